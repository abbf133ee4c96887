"""Real-browser fixtures: one Streamlit server for the whole session, Debian's chromium through Playwright.

Nothing here downloads a browser: the tests use /usr/bin/chromium (CI installs it with apt). Without it the
tests are skipped locally and fail in CI (env CI=true), so a broken CI image cannot pass silently.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from gan_course import serve

ROOT = Path(__file__).resolve().parents[2]


def _load_script():
    """scripts/load_test.py, which holds the browser flags and the page-state probes both use."""
    spec = importlib.util.spec_from_file_location("gan_course_load_test", ROOT / "scripts" / "load_test.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses in the script look their module up by name
    spec.loader.exec_module(module)
    return module


LOAD_SCRIPT = _load_script()
CHROMIUM, CHROMIUM_ARGS = LOAD_SCRIPT.CHROMIUM, LOAD_SCRIPT.CHROMIUM_ARGS
PROGRESS_MSGID, PROGRESS_BAR, IDLE_JS, RUN_FINISHED_JS = (
    LOAD_SCRIPT.PROGRESS_MSGID,
    LOAD_SCRIPT.PROGRESS_BAR,
    LOAD_SCRIPT.IDLE_JS,
    LOAD_SCRIPT.RUN_FINISHED_JS,
)
STARTUP_TIMEOUT_S = 60.0
VIEWPORT = {"width": 1280, "height": 900}
# axe-core comes from the npm registry (never vendored): .ci/run installs it here before the tests run.
AXE_DIR = ROOT / "tests" / "e2e" / ".axe"
AXE_JS = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
AXE_PACKAGE = "axe-core@4"


def need_chromium() -> None:
    """Skip (locally) or fail (in CI) when the system chromium is missing; never download one."""
    need(
        Path(CHROMIUM),
        f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium); "
        "these tests never download a browser",
    )


def need(path: Path, reason: str) -> None:
    """Skip (locally) or fail (in CI) when a tool the browser tests need is missing."""
    if path.exists():
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(reason)
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log_path: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def server() -> Iterator[Server]:
    """`streamlit run app/main.py` on a free port, from the repository root, until the session ends."""
    need_chromium()  # no point starting a server that no browser will visit
    port = free_port()
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT / "app"), env.get("PYTHONPATH", "")) if p)
    env["PYTHONUNBUFFERED"] = "1"
    # The class view's store: a file of this test session, not the user's own data directory
    env.setdefault("GAN_COURSE_STORE", f"sqlite://{tempfile.mkdtemp(prefix='gan-course-e2e-')}/class.sqlite3")
    log_file = tempfile.NamedTemporaryFile(prefix="gan-course-e2e-", suffix=".log", delete=False)  # noqa: SIM115
    # The same headless, loopback-only command as each replica of `python -m gan_course serve`
    process = subprocess.Popen(
        serve.replica_command(port),
        cwd=ROOT,
        env=env,
        stdout=log_file,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    srv = Server(url, process, Path(log_file.name))
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    try:
        while True:
            if process.poll() is not None:
                pytest.fail(
                    f"streamlit exited with code {process.returncode} before it was ready:\n{srv.log_tail()}"
                )
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                    if resp.status == 200 and resp.read().decode().strip() == "ok":
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"no answer from /_stcore/health in {STARTUP_TIMEOUT_S:.0f} s:\n{srv.log_tail()}")
            time.sleep(0.25)
        yield srv
    finally:
        _stop(process)
        log_file.close()


@pytest.fixture(scope="session")
def base_url(server: Server) -> str:
    return server.url


@pytest.fixture(scope="session")
def browser():
    need_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture(scope="session")
def axe_js() -> Path:
    """The path of axe.min.js; installed with npm on first use if npm is at hand (.ci/run does it first)."""
    if not AXE_JS.exists() and shutil.which("npm"):
        npm = ["npm", "install", "--no-save", "--no-audit", "--no-fund", "--prefix", str(AXE_DIR)]
        subprocess.run([*npm, AXE_PACKAGE], check=False, capture_output=True, timeout=300)
    need(AXE_JS, f"{AXE_JS} not found: npm install --no-save --prefix {AXE_DIR} {AXE_PACKAGE}")
    return AXE_JS


@pytest.fixture(scope="session")
def warm_server(server, browser) -> Server:
    """The server after one visit to "/".

    Streamlit shows a "Page not found" dialog over the first page that the first session after a server start
    opens, when that page is not the default one (streamlit/streamlit#8860, #9992; reproduced with a
    two-page app of plain Streamlit 1.67). That is a framework bug of the very first visit, not of the course,
    so the session's first visit goes to the home page before any test opens a lesson.
    """
    context = browser.new_context(viewport=VIEWPORT, locale="en-US")
    try:
        page = context.new_page()
        page.goto(server.url + "/")
        page.locator("h1").first.wait_for(state="visible", timeout=STARTUP_TIMEOUT_S * 1000)
        page.wait_for_function(IDLE_JS, timeout=STARTUP_TIMEOUT_S * 1000, polling=100)
        page.wait_for_timeout(1000)
    finally:
        context.close()
    return server


@pytest.fixture
def new_context(browser):
    """A factory of fresh browser contexts (separate sessions), all closed after the test."""
    contexts = []

    def make():
        ctx = browser.new_context(viewport=VIEWPORT, locale="en-US", accept_downloads=True)
        ctx.set_default_timeout(30_000)
        contexts.append(ctx)
        return ctx

    yield make
    for ctx in contexts:
        ctx.close()


@pytest.fixture
def page(new_context):
    return new_context().new_page()


# --- helpers ---------------------------------------------------------------------------------------

# plotly's own record of a drawn chart (gd._fullData): numeric arrays arrive from Streamlit base64-packed in
# gd.data and are decoded only there.
TRACES_JS = """
(gd) => gd._fullData.map(t => ({
  name: t.name,
  type: t.type,
  x: t.x ? Array.from(t.x) : [],
  y: t.y ? Array.from(t.y) : [],
}))
"""
# Every text inside the elements of some keys that Streamlit cuts off with an ellipsis, since it did not fit.
CUT_OFF_JS = """keys => {
  const cut = [];
  for (const key of keys) {
    for (const box of document.querySelectorAll('.st-key-' + key)) {
      for (const el of box.querySelectorAll('*')) {
        const style = getComputedStyle(el);
        if (style.textOverflow === 'ellipsis' && el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1) {
          cut.push(key + ': ' + el.innerText);
        }
      }
    }
  }
  return cut;
}"""
AXE_RUN_JS = """
async (exclude) => {
  const context = exclude.length ? {include: [document], exclude: exclude.map((s) => [s])} : document;
  const result = await axe.run(context, {resultTypes: ['violations']});
  return result.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => `${v.impact} ${v.id} (${v.help}): `
      + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
}
"""


def key_class(key: str) -> str:
    """The CSS class Streamlit gives a keyed element's container (characters outside [A-Za-z0-9_-] → '-')."""
    return "st-key-" + re.sub(r"[^a-zA-Z0-9_-]", "-", key.strip())


def keyed(key: str) -> str:
    return "." + key_class(key)


def progress_order(lang: str) -> list[str]:
    """The order of epoch / total / step / steps in the progress text of one language."""
    from gan_course.i18n import gettext_for

    return re.findall(r"%\((\w+)\)s", gettext_for(lang)(PROGRESS_MSGID))


def parse_progress(text: str, lang: str) -> dict[str, int] | None:
    order = progress_order(lang)
    numbers = [int(n) for n in re.findall(r"\d+", text)]
    return dict(zip(order, numbers, strict=True)) if len(numbers) == len(order) else None


class App:
    """One browser tab on the app, with the few moves the tests need."""

    def __init__(self, page, server: Server) -> None:
        self.page, self.server = page, server

    def open(self, path: str = "", **query: object) -> App:
        """Load a page without waiting for the app to run (to let several sessions load at once)."""
        url = f"{self.server.url}/{path.lstrip('/')}"
        if query:
            url += "?" + urllib.parse.urlencode({k: str(v) for k, v in query.items()})
        self.page.goto(url)
        return self

    def goto(self, path: str = "", **query: object) -> App:
        """Load a page and wait until the app has run and drawn it."""
        self.open(path, **query)
        self.wait()
        return self

    def wait(self, timeout: float = 60_000) -> None:
        """Until the run is over and drawn: a title, no 'running' indicator, no placeholder skeleton."""
        self.page.locator("h1").first.wait_for(state="visible", timeout=timeout)
        self.page.wait_for_function(IDLE_JS, timeout=timeout, polling=100)
        self.page.wait_for_timeout(500)  # settle: a rerun may start right after a run (st.rerun, URL sync)
        self.page.wait_for_function(IDLE_JS, timeout=timeout, polling=100)

    def assert_clean(self) -> None:
        """No exception, no 'Traceback', no error alert ('could not be shown'), no 'Page not found' dialog."""
        page = self.page
        exceptions = page.locator('[data-testid="stException"]')
        errors = page.locator('[data-testid="stAlertContentError"]')
        dialogs = page.locator('[data-testid="stDialog"]')
        problems = []
        if dialogs.count():
            problems.append(f"a dialog is open: {dialogs.all_inner_texts()}")
        if exceptions.count():
            problems.append(f"exception box(es): {exceptions.all_inner_texts()}")
        if errors.count():
            problems.append(f"error alert(s): {errors.all_inner_texts()}")
        if "Traceback" in page.locator("body").inner_text():
            problems.append("the text 'Traceback' is on the page")
        if problems:
            raise AssertionError(
                f"{page.url}: {'; '.join(problems)}\n--- server log ---\n{self.server.log_tail()}"
            )

    def h1(self) -> str:
        return self.page.locator("h1").first.inner_text().strip()

    def button(self, key: str):
        """The button of this key drawn by the current run (not a greyed-out one left from the last run).

        Streamlit draws a button with help text twice, one copy hidden (display: none); ':visible' picks
        the one on screen."""
        return self.page.locator(f'{keyed(key)}:not([data-stale="true"]) button:visible')

    def query(self) -> dict[str, str]:
        """The page's link as the address bar shows it (the widget keeps it in step with its settings, so it
        is the link a learner shares): key → its last value."""
        query = urllib.parse.parse_qs(urllib.parse.urlparse(self.page.url).query)
        return {key: values[-1] for key, values in query.items()}

    def lang(self) -> str:
        return self.query().get("lang", "en")

    def progress(self, lang: str | None = None) -> dict[str, int] | None:
        bar = self.page.locator(PROGRESS_BAR)
        if not bar.count():
            return None
        return parse_progress(bar.first.inner_text(), lang or self.lang())

    def wait_run_finished(self, lang: str | None = None, timeout: float = 60_000) -> None:
        self.page.wait_for_function(
            RUN_FINISHED_JS, arg=progress_order(lang or self.lang()), timeout=timeout, polling=100
        )

    def train(self, lang: str | None = None, timeout: float = 120_000) -> None:
        """Press Start where the page has a training widget and wait until the run has reached its end and
        the page is drawn; no exception on the way."""
        if self.button("train").count():
            self.button("train").click()
            self.wait_run_finished(lang, timeout=timeout)
            self.wait()
        self.assert_clean()

    def picked(self, key: str) -> str:
        """The choice a select box of this key shows."""
        box = self.page.locator(keyed(key)).get_by_role("combobox")
        return box.evaluate("e => (e.value !== undefined ? e.value : e.innerText).trim()")

    def picked_language(self) -> str:
        """The language name the sidebar picker shows."""
        return self.picked("lang")

    def traces(self, key: str) -> list[dict]:
        """What plotly drew in the chart of this key (Canvas keys a chart "<widget>.<slot>.<frame>": pass
        "<widget>.<slot>"): every trace's name and its x and y as plotly holds them after decoding, NaN gaps
        included; the chart of the last frame on the page."""
        chart = self.page.locator(
            f'[class*="{key_class(key)}-"]:not([data-stale="true"]) .js-plotly-plot'
        ).last
        chart.wait_for(state="attached")
        return chart.evaluate(TRACES_JS)

    def cut_off(self, keys: list[str]) -> list[str]:
        """The texts in the elements of these keys that are drawn cut off with an ellipsis, each as
        "key: text" (the key as CSS spells it); only what is on screen counts (open an expander first)."""
        return self.page.evaluate(CUT_OFF_JS, [key_class(key).removeprefix("st-key-") for key in keys])

    def axe_violations(self, axe_js: Path, *, exclude: tuple[str, ...] = ()) -> list[str]:
        """axe-core's serious and critical violations on the page as it stands (one line each), leaving
        out the elements the CSS selectors `exclude` match."""
        self.page.add_script_tag(path=str(axe_js))
        return self.page.evaluate(AXE_RUN_JS, list(exclude))

    def pick_language(self, name: str) -> None:
        """Open the sidebar language picker and choose a language by its own name."""
        self.page.locator(keyed("lang")).get_by_role("combobox").click()
        self.page.get_by_role("option", name=name, exact=True).click()


@pytest.fixture
def make_app(new_context, warm_server):
    """A factory of App objects, each in its own browser context (its own Streamlit session)."""
    return lambda: App(new_context().new_page(), warm_server)


@pytest.fixture
def app(page, warm_server) -> App:
    return App(page, warm_server)


@pytest.fixture
def app_on(new_context):
    """A factory of App objects on a server of the test's own (e.g. `serve`'s balancer), each in its own
    browser context; the server needs `url` and `log_tail()`."""
    return lambda server: App(new_context().new_page(), server)


def record_replicas(page, into: list[str | None]) -> None:
    """Append to `into` the replica that answered each of the page's responses from a server (serve's
    X-Gan-Replica header; None where it is missing). What the page made itself (a component's script as a
    blob: URL, data: URLs) came from no server and is left out."""

    def answered(response) -> None:
        if urllib.parse.urlparse(response.url).scheme in ("http", "https"):
            into.append(response.headers.get(serve.REPLICA_HEADER.lower()))

    page.on("response", answered)
