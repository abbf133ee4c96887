"""Shared pytest setup: one torch thread, CUDA tests skipped (with the reason) where CUDA is absent, and the
order in which pytest-xdist hands out the work (long claim sweeps first, one numeric path's runs together)."""

from __future__ import annotations

import os
import sys

import pytest

from numeric_paths import ALL_PATHS

# The course's tensors are tiny: a second intra-op thread only adds hand-offs, and on a busy 2-core
# machine spinning OpenMP threads made the 2-D models three times slower. Set before torch is imported.
os.environ.setdefault("OMP_NUM_THREADS", "1")
# Where a test asks for several intra-op threads (the claims' threads path) on a machine whose cores the
# other test workers keep busy, spinning OpenMP threads wait for a core the others hold: let them sleep.
# The policy changes when a thread waits, never what it computes.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
if "torch" in sys.modules:  # imported early by a plugin: the variable no longer counts
    sys.modules["torch"].set_num_threads(1)


def _claims_group(item: pytest.Item) -> str | None:
    """'<group>[<numeric path>]' for a claim test run on a numeric path, else None."""
    mark = item.get_closest_marker("claims")
    params = getattr(getattr(item, "callspec", None), "params", {})
    path = next((v for v in params.values() if isinstance(v, str) and v in ALL_PATHS), None)
    if mark is None or path is None or item.get_closest_marker("slow") is None:
        return None  # the quick tests of a claims file (exact numbers, text checks) stay with their file
    return f"{mark.args[0]}[{path}]"


@pytest.hookimpl(tryfirst=True)  # before xdist's worker reads the groups
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    _schedule(config, items)
    _skip_cuda(items)


def _schedule(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Run the claim sweeps first, each numeric path's runs of a group on one worker (they share their
    functools caches there), and every other file's tests together on one worker, as --dist loadfile does
    (module fixtures such as a browser's server start once). Longest first keeps a lone worker from
    finishing a long sweep at the end while the other waits."""
    groups = {id(item): _claims_group(item) for item in items}
    items.sort(key=lambda item: groups[id(item)] is None)  # stable: files keep their order
    if config.getoption("dist", "no") != "loadgroup":
        return
    for item in items:
        item.add_marker(pytest.mark.xdist_group(groups[id(item)] or item.nodeid.split("::")[0]))


def _skip_cuda(items: list[pytest.Item]) -> None:
    cuda_items = [item for item in items if "cuda" in item.keywords]
    if not cuda_items:
        return
    import torch

    if torch.cuda.is_available():
        return
    skip = pytest.mark.skip(reason="needs a CUDA device: torch.cuda.is_available() is False")
    for item in cuda_items:
        item.add_marker(skip)


@pytest.fixture(scope="session")
def haproxy() -> str:
    """Debian's haproxy, which `python -m gan_course serve` puts in front of the app processes.

    Skipped with the reason where it is missing; in CI (CI=true) that is a failure, so a CI image without it
    cannot pass silently.
    """
    from gan_course.serve import ServeError, find_haproxy

    try:
        return find_haproxy("haproxy")
    except ServeError as err:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(str(err))
        pytest.skip(str(err))
