// What the page shows lives in the URL, so a copied link reproduces the view:
// ?view=traces&process=…&service=…&status=ERR&from=…&to=…&q=…&cursor=…&span=…  |  ?view=trace&trace=…  |  ?view=graph  |  ?view=alerts
// |  ?view=sessions&experiment=…&cursor=…&session=…

export type View = "traces" | "trace" | "graph" | "alerts" | "sessions";

export interface Filters {
  from: string;
  to: string;
  process: string;
  /** The service (an OTLP resource's service.name, an application's system name) the spans came from. */
  service: string;
  status: string;
  q: string;
}

export interface PageState {
  view: View;
  filters: Filters;
  cursor: string | null;
  span: string | null;
  trace: string | null;
  /** The session open in the sessions view. */
  session: string | null;
  /** The sessions view's experiment filter. */
  experiment: string;
}

export const emptyFilters: Filters = { from: "", to: "", process: "", service: "", status: "", q: "" };

export function readState(search = location.search): PageState {
  const params = new URLSearchParams(search);
  const view = params.get("view");
  return {
    view: view === "trace" || view === "graph" || view === "alerts" || view === "sessions" ? view : "traces",
    filters: {
      from: params.get("from") ?? "",
      to: params.get("to") ?? "",
      process: params.get("process") ?? "",
      service: params.get("service") ?? "",
      status: params.get("status") ?? "",
      q: params.get("q") ?? "",
    },
    cursor: params.get("cursor"),
    span: params.get("span"),
    trace: params.get("trace"),
    session: params.get("session"),
    experiment: params.get("experiment") ?? "",
  };
}

export function toSearch(state: PageState): string {
  const params = new URLSearchParams();
  if (state.view !== "traces") params.set("view", state.view);
  if (state.view === "trace" && state.trace) params.set("trace", state.trace);
  if (state.view === "sessions") {
    if (state.experiment) params.set("experiment", state.experiment);
    if (state.cursor) params.set("cursor", state.cursor);
    if (state.session) params.set("session", state.session);
  } else if (state.view !== "trace") {
    for (const [name, value] of Object.entries(state.filters)) if (value) params.set(name, value);
  }
  if (state.view === "traces" && state.cursor) params.set("cursor", state.cursor);
  if (state.span) params.set("span", state.span);
  const text = params.toString();
  return text ? `?${text}` : location.pathname;
}

/** Records the state in the address bar: push for a new view or page, replace for a typed filter. */
export function writeState(state: PageState, mode: "push" | "replace"): void {
  const target = toSearch(state);
  if (target === location.search || (target === location.pathname && location.search === "")) return;
  if (mode === "push") history.pushState(null, "", target);
  else history.replaceState(null, "", target);
}
