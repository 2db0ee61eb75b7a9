// The dashboard's entry point: routes the URL state to the views, follows /api/live, asks for a read key
// when the collector needs one.

// uPlot's stylesheet goes into app.css: a lazily loaded chunk's CSS would not be loaded by the browser.
import "uplot/dist/uPlot.min.css";
import "./styles.css";
import { followLive } from "./api";
import type { AppContext } from "./app-context";
import { isUnauthorized } from "./app-context";
import { AlertsView } from "./alerts-view";
import { DependencyGraphView } from "./dependency-graph";
import { h, replaceChildren } from "./dom";
import { KeyPrompt } from "./key-prompt";
import { SessionsView } from "./sessions-view";
import { SpanDetailModal } from "./span-detail";
import { StatusBar } from "./status-bar";
import { TraceTable } from "./trace-table";
import type { PageState } from "./url-state";
import { readState, writeState } from "./url-state";
import { TraceView } from "./waterfall";

let current: PageState = readState();
let paused = false;
let connected = false;
let stopLive: (() => void) | null = null;

const banner = h("div", { className: "banner", testId: "error-banner", attrs: { hidden: "" } });

const app: AppContext = {
  state: () => current,
  navigate(next, mode) {
    current = next;
    writeState(next, mode);
    render();
  },
  fail(error) {
    if (isUnauthorized(error)) {
      keyPrompt.ask();
      return;
    }
    banner.hidden = false;
    banner.textContent = error instanceof Error ? error.message : String(error);
  },
};

const keyPrompt = new KeyPrompt(() => {
  banner.hidden = true;
  restart();
});
const table = new TraceTable(app);
const detail = new SpanDetailModal(app);
const traceView = new TraceView(app);
const graphView = new DependencyGraphView(app);
const alertsView = new AlertsView(app);
const sessionsView = new SessionsView(app);
const statusBar = new StatusBar((error) => {
  if (isUnauthorized(error)) keyPrompt.ask();
});
const main = h("main", { className: "content" });

function navLink(label: string, view: PageState["view"], testId: string): HTMLAnchorElement {
  const link = h("a", { className: "nav-link", testId, attrs: { href: view === "traces" ? "?" : `?view=${view}` } }, label);
  link.addEventListener("click", (e) => {
    e.preventDefault();
    app.navigate({ ...current, view, span: null, session: null, cursor: view === "traces" ? current.cursor : null }, "push");
  });
  return link;
}

const navTraces = navLink("Traces", "traces", "nav-traces");
const navGraph = navLink("Dependency graph", "graph", "nav-graph");
const navAlerts = navLink("Alerts", "alerts", "nav-alerts");
const navSessions = navLink("Sessions", "sessions", "nav-sessions");

function render(): void {
  navTraces.classList.toggle("active", current.view === "traces");
  navGraph.classList.toggle("active", current.view === "graph");
  navAlerts.classList.toggle("active", current.view === "alerts");
  navSessions.classList.toggle("active", current.view === "sessions");
  const views = { trace: traceView.element, graph: graphView.element, alerts: alertsView.element, sessions: sessionsView.element, traces: table.element };
  const view = views[current.view];
  if (main.firstChild !== view) replaceChildren(main, view);
  if (current.view === "traces") table.show(current);
  else if (current.view === "trace") traceView.show(current.trace);
  else if (current.view === "graph") graphView.show();
  if (current.view === "alerts") alertsView.show();
  else alertsView.hide();
  if (current.view === "sessions") sessionsView.show(current);
  else sessionsView.hide();
  detail.show(current.span);
  document.title =
    current.view === "trace"
      ? `Trace ${current.trace ?? ""} · Instrumentor`
      : current.view === "graph"
        ? "Dependency graph · Instrumentor"
        : current.view === "alerts"
          ? "Alerts · Instrumentor"
          : current.view === "sessions"
            ? "Sessions · Instrumentor"
            : "Traces · Instrumentor";
}

function startLive(): void {
  stopLive?.();
  stopLive = followLive(
    (span) => table.offerLive(span, paused || current.view !== "traces"),
    (isConnected) => {
      connected = isConnected;
      statusBar.setLive(connected, paused);
    },
  );
}

/** After a read key was entered: everything loads again with it. */
function restart(): void {
  table.reload();
  render();
  statusBar.start();
  startLive();
}

statusBar.pause.addEventListener("click", () => {
  paused = !paused;
  statusBar.setLive(connected, paused);
});

window.addEventListener("popstate", () => {
  current = readState();
  render();
});

document.body.append(
  h("header", { className: "topbar" }, h("span", { className: "brand" }, "Instrumentor"), h("nav", null, navTraces, navGraph, navAlerts, navSessions)),
  banner,
  main,
  statusBar.element,
  detail.element,
  keyPrompt.element,
);
render();
statusBar.start();
startLive();
