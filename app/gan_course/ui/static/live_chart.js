// The course's chart element (ui/live_chart.py): a plotly graph that outlives the Streamlit element it is
// shown in, so that a chart's new figure is drawn with Plotly.react on the graph of its last one.
//
// Streamlit mounts a new element for every frame of a live chart (each frame has a key of its own), but
// this module is loaded once per page and keeps one graph div per chart (`graphs`). A chart's newest
// element takes the chart's graph (out of the element it replaced: gone from the page, or kept there
// hidden by Streamlit until the script run ends) and Plotly.react redraws what changed. Only a chart's
// first figure, or a new width, builds a whole new plot.
//
// What is drawn is what st.plotly_chart drew: the figure of plotly.io.to_json over Streamlit's plotly
// template, as wide as the element, as high as the figure says, its title in bold.
//
// The app serves this file; each element's own script is a few lines (live_chart.py) that load it once
// and call its default export with the element and {plotly}: the address of plotly.js.

const DEFAULT_HEIGHT = 450; // st.plotly_chart's height for a figure without one ...
const MIN_WIDTH = 150; // ... and its narrowest chart
const FORGET_AFTER_MS = 5000; // a graph off the page this long is purged: its chart is gone
const ROOT = '[data-testid="stBidiComponentRegular"]'; // the root of an element, given to its script

// The template st.plotly_chart (Streamlit 1.67) laid under every figure, as the browser resolved it for the
// course's theme (streamlit_config.toml: light, sans serif): read from a drawn chart's layout.template (its
// ternary part left out: no chart of the course has one). The course's figures set most of it themselves
// (plots/theme.py); what they leave to it, as the axis titles' distance from the ticks, the margins' padding
// or the hover label's colours, comes from here, so the charts look as st.plotly_chart drew them. Sizes are
// Streamlit's, in rem: the page's root font size makes them pixels (16 px a rem, 25.6 px in projector mode).
// It lives here, loaded once a page, not in each element's data (it was 1.8 kB of every frame's chart).
// tests/e2e/test_live_view.py compares it with the template of a chart st.plotly_chart draws.
const FONT = '"Source Sans", sans-serif';
const GREY = "#808495";
const LINE = "#e6eaf1";
const SMALL = "0.75rem"; // Streamlit's twoSm font size ...
const AXIS_TITLE = "0.875rem"; // ... and its sm
const STREAMLIT_TEMPLATE = {
  data: { scatter: [{ type: "scatter" }] },
  layout: {
    font: { color: GREY, family: FONT, size: SMALL, weight: 400 },
    title: {
      color: "#111111",
      subtitleColor: "#111111",
      font: { family: FONT, size: "1rem", color: "#111111" },
      pad: { l: "0.25rem" },
      xanchor: "left",
      x: 0,
    },
    legend: {
      title: { font: { size: SMALL, color: GREY }, side: "top" },
      valign: "top",
      bordercolor: "transparent",
      borderwidth: 0,
      font: { size: SMALL, color: "#262730" },
    },
    paper_bgcolor: "#ffffff",
    plot_bgcolor: "#ffffff",
    yaxis: {
      ticklabelposition: "outside",
      zerolinecolor: LINE,
      title: { font: { color: GREY, size: AXIS_TITLE }, standoff: "1.5rem" },
      tickcolor: LINE,
      tickfont: { color: GREY, size: SMALL },
      gridcolor: LINE,
      minor: { gridcolor: LINE },
      automargin: true,
    },
    xaxis: {
      zerolinecolor: LINE,
      gridcolor: LINE,
      showgrid: false,
      tickfont: { color: GREY, size: SMALL },
      tickcolor: LINE,
      title: { font: { color: GREY, size: AXIS_TITLE }, standoff: "1.25rem" },
      minor: { gridcolor: LINE },
      zeroline: false,
      automargin: true,
      rangeselector: { bgcolor: "#ffffff", bordercolor: LINE, borderwidth: 1, x: 0 },
    },
    margin: { pad: "0.5rem", r: 0, l: 0 },
    hoverlabel: {
      bgcolor: "#ffffff",
      bordercolor: "rgba(17, 17, 17, 0.2)",
      font: { color: GREY, family: FONT, size: SMALL },
    },
    coloraxis: {
      colorbar: {
        thickness: 16,
        xpad: "1.5rem",
        ticklabelposition: "outside",
        outlinecolor: "transparent",
        outlinewidth: 8,
        len: 0.75,
        y: 0.5745,
        title: { font: { color: GREY, size: AXIS_TITLE } },
        tickfont: { color: GREY, size: SMALL },
      },
    },
  },
};

const graphs = new Map(); // chart name → its graph div
// graph div → {sent: when the newest figure that claimed it left the server, digest: that figure's, next:
// the figure to draw next or null, last: the config and key of the one drawn, player: the player that drew
// it last (ui/playback.py), watcher: keeps it as wide
// as its element (watched), measured and width: the element last measured and its width}
const states = new WeakMap();
let plotly = null; // the promise of plotly.js, loaded once per page

function loadPlotly(url) {
  if (plotly === null) {
    plotly = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = url;
      script.async = true;
      // plotly.js sets window.Plotly: kept at once, before another copy (Streamlit's own) could replace it
      script.onload = () => resolve(window.Plotly);
      script.onerror = () => {
        plotly = null;
        reject(new Error(`plotly.js did not load from ${url}`));
      };
      document.head.appendChild(script);
    });
  }
  return plotly;
}

function stateOf(graph) {
  let state = states.get(graph);
  if (state === undefined) {
    state = { sent: -Infinity, digest: null, next: null, last: null, player: null };
    Object.assign(state, { watcher: null, watched: null, measured: null, width: 0 });
    states.set(graph, state);
  }
  return state;
}

// Draws the graph's next figure, or its last one again at a new width, as wide as its element. An
// element that is not shown (no width: hidden while Streamlit loads a part of the page) is drawn once it
// is, by the watcher. Plotly.react widening a narrow chart leaves its legend where the narrow one had it:
// a new width gets a new plot (a window resized, never a frame of a run).
function render(Plotly, graph) {
  const state = stateOf(graph);
  const width = widthOf(graph, state);
  if (width === 0) return;
  const drawn = graph._fullLayout;
  const wide = Math.max(width, MIN_WIDTH);
  const next = state.next ?? (drawn && drawn.width !== wide ? { ...state.last, figure: graph } : null);
  if (next === null) return;
  state.next = null;
  state.last = { config: next.config, key: next.key };
  const layout = { ...next.figure.layout, width: wide };
  if (drawn && drawn.width !== wide) Plotly.newPlot(graph, next.figure.data, layout, next.config);
  else Plotly.react(graph, next.figure.data, layout, next.config);
  // for the tests: the key of the element whose figure the graph shows, and which of its figures it is
  graph.dataset.figure = next.key;
  if (next.sent !== undefined) graph.dataset.frame = next.sent;
}

// The width of the element the graph is in. Measuring it forces the browser to lay out the page, which
// Streamlit has just changed: once per element is enough, since its watcher is told of every new width
// (a frame of a run, drawn into the same element, is not measured again).
function widthOf(graph, state) {
  const root = graph.parentElement;
  if (root === null) return 0;
  if (state.measured !== root) {
    state.measured = root;
    state.width = root.getBoundingClientRect().width;
  }
  return state.width;
}

function watch(Plotly, graph) {
  const state = stateOf(graph);
  state.watcher ??= new ResizeObserver((entries) => {
    const entry = entries[entries.length - 1];
    if (entry.target !== graph.parentElement) return;
    state.measured = entry.target;
    state.width = entry.contentRect.width;
    render(Plotly, graph);
  });
  if (state.watched === graph.parentElement) return;
  state.watched = graph.parentElement;
  state.watcher.disconnect();
  state.watcher.observe(graph.parentElement);
}

function forgetLater(Plotly, name, graph) {
  setTimeout(() => {
    if (graph.isConnected) return;
    states.get(graph)?.watcher?.disconnect();
    Plotly.purge(graph);
    if (graphs.get(name) === graph) graphs.delete(name);
  }, FORGET_AFTER_MS);
}

// Streamlit replaces a chart's element with the next frame's in one DOM update but runs the new element's
// script later (after a paint, often): in between, the graph would be gone with the old element, or
// hidden in it, and the chart blank. This observer sees the new element in the task that added it and
// moves the chart's graph into it at once (the newest element of a chart always takes its graph). It knows the chart by the class Streamlit gives a keyed
// element (st-key-<key>; a frame's key starts with its chart's name). Where it finds nothing, the
// element's script takes the graph when it runs.
const keyClass = (key) => `st-key-${key.replace(/[^a-zA-Z0-9_-]/g, "-")}`;

function chartOf(container) {
  let found = null;
  for (const name of graphs.keys()) {
    const cls = keyClass(name);
    const mine = [...container.classList].some((c) => c === cls || c.startsWith(`${cls}-`));
    if (mine && (found === null || name.length > found.length)) found = name;
  }
  return found;
}

function adopt(records) {
  for (const record of records) {
    for (const node of record.addedNodes) {
      if (node.nodeType !== 1 || !node.hasAttribute("data-testid")) continue; // plotly's nodes have none
      for (const root of node.matches(ROOT) ? [node] : node.querySelectorAll(ROOT)) {
        const container = root.closest('[data-testid="stElementContainer"]');
        const name = container && chartOf(container);
        const graph = name && graphs.get(name);
        // A root whose script has run is not new: Streamlit re-inserts an element it keeps hidden.
        if (graph && graph.parentElement !== root && root.dataset.sent === undefined) root.appendChild(graph);
      }
    }
  }
}
new MutationObserver(adopt).observe(document.body, { childList: true, subtree: true });

// The template with its sizes in pixels: Streamlit's sizes are in rem, and the page's root font size
// (larger in projector mode) gives a rem its pixels, as it did for st.plotly_chart.
let resolved = { px: null, template: null };

function inPixels(value, px) {
  if (typeof value === "string" && value.endsWith("rem")) return parseFloat(value) * px;
  if (Array.isArray(value)) return value.map((item) => inPixels(item, px));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, inPixels(item, px)]));
  }
  return value;
}

// The page's root font size is read once per element or batch of frames, not per figure: reading it
// makes the browser recompute the page's styles, which a frame has just changed.
let rootPx = null;

function measureRootPx() {
  rootPx = parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;
}

function inPagePixels(template) {
  if (rootPx === null) measureRootPx();
  if (resolved.px !== rootPx) resolved = { px: rootPx, template: inPixels(template, rootPx) };
  return resolved.template;
}

// The figure as st.plotly_chart drew it (the width is the element's, set when it is drawn).
function themed(figure) {
  const layout = { ...(figure.layout || {}), template: inPagePixels(STREAMLIT_TEMPLATE) };
  layout.height = layout.height ?? DEFAULT_HEIGHT;
  if (layout.title !== undefined && layout.title !== null) {
    const title = typeof layout.title === "string" ? { text: layout.title } : layout.title;
    layout.title = { ...title, text: `<b>${typeof title.text === "string" ? title.text : ""}</b>` };
  }
  return { data: figure.data || [], layout };
}

// A pacer (live_chart.pacer): drawn once per widget before any run, it tells the server, once plotly.js
// is here and the page has painted, that this page's script runs and can play a live run (ui/playback.py).
const afterPaint = (then) => requestAnimationFrame(() => setTimeout(then, 0));

function pace(component, message, plotlyUrl) {
  let asked = false;
  loadPlotly(plotlyUrl)
    .then(() =>
      afterPaint(() => {
        if (!asked && component.parentElement.isConnected) component.setTriggerValue("shown", message.frame);
        asked = true;
      }),
    )
    .catch((error) => console.error(error));
  return () => {
    asked = true; // a pacer taken off the page (its run paused, the page rerun) asks for nothing
  };
}

// --- a live run played by the page (ui/playback.py) ---
// The server sends a run's frames in batches to one player element; the player shows them one after
// another, each for at least `min_gap` ms (or the run's own pace, `gap`, while it waits for more), by
// drawing into the charts' and texts' holders, which Streamlit keeps from rerun to rerun. It asks for the
// next batch as soon as it has one, and once more when it has shown a finished run's last frame.

function graphOf(name) {
  let graph = graphs.get(name);
  if (graph === undefined) {
    graph = document.createElement("div");
    graph.dataset.chart = name; // the browser tests follow a chart's graph by it
    graphs.set(name, graph);
  }
  return graph;
}

// A chart's holder: shows the chart's graph as last drawn; the player draws into it. A new holder takes
// the graph when Streamlit inserts it (adopt); its script takes it only from another holder or from an
// element gone from the page, never from a chart element on the page: a holder's script can run late,
// after the final frame's element has taken the graph (seen under load: a blank chart).
function hold(component, name, plotlyUrl) {
  const root = component.parentElement;
  const graph = graphOf(name);
  root.dataset.sent = "held"; // this root's script has run (see adopt)
  const owner = graph.parentElement;
  if (owner === null || !owner.isConnected || owner.dataset.sent === "held") root.appendChild(graph);
  const loaded = loadPlotly(plotlyUrl);
  loaded
    .then((Plotly) => {
      if (graph.parentElement !== root) return;
      watch(Plotly, graph);
      render(Plotly, graph);
    })
    .catch((error) => console.error(error));
  return () => {
    loaded.then((Plotly) => forgetLater(Plotly, name, graph)).catch(() => {});
  };
}

const texts = new Map(); // a text alternative's name → its paragraph, kept across holders like a graph

function textOf(name) {
  let text = texts.get(name);
  if (text === undefined) {
    text = document.createElement("p");
    text.className = "gan-live-text";
    texts.set(name, text);
  }
  return text;
}

function holdText(component, name) {
  const text = textOf(name);
  if (text.parentElement !== component.parentElement) component.parentElement.appendChild(text);
  return undefined;
}

// The run's progress, as st.progress draws it: its text above a bar with role="progressbar".
function progressBar() {
  const box = document.createElement("div");
  box.className = "gan-progress";
  const text = document.createElement("p");
  text.id = `gan-progress-${players.size}`;
  const track = document.createElement("div");
  track.className = "gan-progress-track";
  track.setAttribute("role", "progressbar");
  track.setAttribute("aria-valuemin", "0");
  track.setAttribute("aria-valuemax", "100");
  track.setAttribute("aria-labelledby", text.id); // named by the progress text above it
  const fill = document.createElement("div");
  fill.className = "gan-progress-fill";
  track.appendChild(fill);
  box.append(text, track);
  return box;
}

function showProgress(box, [fraction, label]) {
  const [text, track] = box.children;
  const percent = Math.round(100 * fraction);
  text.textContent = label;
  track.firstChild.style.width = `${percent}%`;
  track.setAttribute("aria-valuenow", String(percent));
}

const players = new Map(); // player key → what it holds and shows of its run's stretch

function playerOf(message) {
  let player = players.get(message.player);
  if (player === undefined || player.segment !== message.segment) {
    if (player !== undefined) player.stopped = true; // a new stretch: the old one's frames are not shown
    player = {
      segment: message.segment,
      queue: [], // frames to show, in order
      has: message.start, // the last snapshot received ...
      played: message.start, // ... and shown
      final: null, // the run's last snapshot, once it has ended
      bar: progressBar(), // a new stretch's own: the old one's showed where the old stretch stood
      root: null,
      component: null,
      plotly: null,
      config: null,
      gap: message.gap,
      minGap: message.min_gap,
      busy: false,
      stopped: false,
      shownAt: -Infinity,
    };
    players.set(message.player, player);
  }
  return player;
}

function ask(player) {
  const { segment, has, played } = player;
  player.component?.setTriggerValue("ask", { segment, has, played });
}

function show(player, frame) {
  showProgress(player.bar, frame.progress);
  for (const [name, chart] of Object.entries(frame.charts)) {
    const graph = graphOf(name);
    const state = stateOf(graph);
    if (chart.digest === state.digest && state.last !== null) continue;
    state.next = { figure: themed(chart.figure), config: player.config, key: name, sent: frame.n };
    state.digest = chart.digest;
    state.player = player;
    render(player.plotly, graph);
  }
  for (const [name, text] of Object.entries(frame.texts)) textOf(name).textContent = text;
}

// Shows the next frame when its time has come, and, once the browser has painted it, the one after.
function tick(player) {
  if (player.stopped || player.busy || player.plotly === null || !player.root?.isConnected) return;
  const frame = player.queue[0];
  if (frame === undefined) return;
  const gap = player.queue.length > 2 || player.final !== null ? player.minGap : player.gap;
  const wait = player.shownAt + gap - performance.now();
  player.busy = true;
  if (wait > 0) {
    setTimeout(() => {
      player.busy = false;
      tick(player);
    }, wait);
    return;
  }
  player.queue.shift();
  show(player, frame);
  player.shownAt = performance.now();
  afterPaint(() => {
    player.busy = false;
    if (player.stopped) return;
    player.played = frame.n;
    if (player.final !== null && player.played >= player.final) ask(player);
    tick(player);
  });
}

function play(component, message, plotlyUrl) {
  measureRootPx();
  const player = playerOf(message);
  player.root = component.parentElement;
  player.component = component;
  Object.assign(player, { config: message.config, gap: message.gap, minGap: message.min_gap });
  if (message.final !== null) player.final = message.final;
  if (player.bar.parentElement !== player.root) {
    for (const old of player.root.querySelectorAll(".gan-progress")) old.remove();
    player.root.appendChild(player.bar);
  }
  let fresh = false;
  for (const frame of message.frames) {
    if (frame.n <= player.has) continue; // sent again: the page has it
    player.queue.push(frame);
    player.has = frame.n;
    fresh = true;
  }
  if (fresh) player.bar.dataset.batches = String(Number(player.bar.dataset.batches ?? 0) + 1); // for the tests
  if (fresh && (player.final === null || player.has < player.final)) ask(player);
  // A run that ended with no new snapshot (paused by its CPU cap, say) on a page that has shown them all.
  const over = player.final !== null && player.played >= player.final && player.queue.length === 0;
  if (over && !player.busy) ask(player);
  loadPlotly(plotlyUrl)
    .then((Plotly) => {
      player.plotly = Plotly;
      tick(player);
    })
    .catch((error) => console.error(error));
  return () => {
    if (player.component === component) player.component = null;
  };
}

export default function liveChart(component, { plotly: plotlyUrl }) {
  const { data, parentElement: root } = component;
  // An element already replaced by a newer frame's (its script ran late) draws nothing.
  if (!root.isConnected) return undefined;
  const message = JSON.parse(new TextDecoder().decode(data));
  if (message.pacer) return pace(component, message, plotlyUrl);
  if (message.player !== undefined) return play(component, message, plotlyUrl);
  if (message.hold !== undefined) return hold(component, message.hold, plotlyUrl);
  if (message.text !== undefined) return holdText(component, message.text);
  measureRootPx();
  const graph = graphOf(message.chart);
  const state = stateOf(graph);
  if (message.sent < state.sent) return undefined; // a newer figure of this chart has its graph already
  // A chart element draws a run that its player plays no more (paused, or ended): a player still showing
  // its queue would draw older frames over it.
  if (state.player) state.player.stopped = true;
  state.player = null;
  state.sent = message.sent;
  root.dataset.sent = message.sent; // this root's script has run (see adopt)
  if (message.digest !== state.digest || state.last === null) {
    const { config, key, sent } = message;
    state.next = { figure: themed(message.figure), config, key, sent };
    state.digest = message.digest;
  } else {
    state.last.key = message.key; // the same figure again: nothing to redraw (but a new width)
    graph.dataset.figure = message.key;
  }
  if (graph.parentElement !== root) root.appendChild(graph);
  const loaded = loadPlotly(plotlyUrl);
  loaded
    .then((Plotly) => {
      if (graph.parentElement !== root) return; // a newer element has taken the graph meanwhile
      watch(Plotly, graph);
      render(Plotly, graph);
    })
    .catch((error) => console.error(error));
  return () => {
    loaded.then((Plotly) => forgetLater(Plotly, message.chart, graph)).catch(() => {});
  };
}
