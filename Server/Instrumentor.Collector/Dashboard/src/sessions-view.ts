// The sessions view (LLM agent sessions of Instrumentor.Sessions): a page of sessions from /api/sessions, newest
// first, with their step, event and message counts, tokens and cost; a click opens one session from
// /api/sessions/{id} as a timeline of its timesteps with their messages and events in time order, and a link from an
// event to the trace it ran in. Keyset pages (the API's cursor); the URL holds the filter, page and open session.
// Message contents and metadata are stored values: text only, like everything else.

import type { AppContext } from "./app-context";
import { isAbort } from "./app-context";
import { api } from "./api";
import { h, replaceChildren } from "./dom";
import { formatCount, formatDuration, formatTime, parseTime } from "./format";
import type { SessionDetail, SessionEvent, SessionMessage, SessionPage, SessionSummary, SessionTimestep } from "./types";
import type { PageState } from "./url-state";

export class SessionsView {
  readonly element: HTMLElement;
  private readonly experiment = h("input", {
    className: "filter",
    testId: "session-filter-experiment",
    attrs: { type: "search", placeholder: "experiment id", "aria-label": "experiment" },
  });
  private readonly summary = h("p", { className: "sessions-summary", testId: "sessions-summary" }, "Loading sessions…");
  private readonly body = h("tbody", null);
  private readonly newest = h("button", { className: "page-button", testId: "session-first-page" }, "« Newest");
  private readonly next = h("button", { className: "page-button", testId: "session-next-page" }, "Next ›");
  private readonly detail = h("section", { className: "session-detail", testId: "session-detail", attrs: { hidden: "" } });
  private listController: AbortController | null = null;
  private detailController: AbortController | null = null;
  private nextCursor: string | null = null;
  private shownList = "";
  private shownSession: string | null = null;
  private typing = 0;

  constructor(private readonly app: AppContext) {
    this.experiment.addEventListener("input", () => {
      clearTimeout(this.typing);
      this.typing = window.setTimeout(() => {
        this.app.navigate({ ...this.app.state(), experiment: this.experiment.value.trim(), cursor: null, session: null }, "replace");
      }, 250);
    });
    this.newest.addEventListener("click", () => this.app.navigate({ ...this.app.state(), cursor: null, session: null }, "push"));
    this.next.addEventListener("click", () => {
      if (this.nextCursor) this.app.navigate({ ...this.app.state(), cursor: this.nextCursor, session: null }, "push");
    });
    const table = h(
      "table",
      { className: "sessions-table", testId: "sessions-table" },
      h(
        "thead",
        null,
        h(
          "tr",
          null,
          ...["created", "session", "experiment", "steps", "events", "messages", "tokens in / out", "cost"].map((name) => h("th", null, name)),
        ),
      ),
      this.body,
    );
    this.element = h(
      "section",
      { className: "sessions-view", testId: "sessions" },
      h("h2", null, "Sessions"),
      h("div", { className: "filters" }, this.experiment),
      this.summary,
      table,
      h("div", { className: "pager" }, this.newest, this.next),
      this.detail,
    );
  }

  /** Shows the page and the session the URL names. */
  show(state: PageState): void {
    if (document.activeElement !== this.experiment) this.experiment.value = state.experiment;
    const list = `${state.experiment}\n${state.cursor ?? ""}`;
    if (list !== this.shownList) {
      this.shownList = list;
      void this.loadList(state);
    }
    if (state.session !== this.shownSession) {
      this.shownSession = state.session;
      void this.loadDetail(state.session);
    }
  }

  /** Another view is shown: stop what is loading, so the next show loads afresh. */
  hide(): void {
    this.listController?.abort();
    this.detailController?.abort();
    this.shownList = "";
    this.shownSession = null;
  }

  private async loadList(state: PageState): Promise<void> {
    this.listController?.abort();
    const controller = new AbortController();
    this.listController = controller;
    try {
      this.renderList(await api.sessions({ experiment: state.experiment || null, cursor: state.cursor }, controller.signal), state);
    } catch (error) {
      if (isAbort(error)) return;
      this.shownList = "";
      this.app.fail(error);
    }
  }

  private renderList(page: SessionPage, state: PageState): void {
    this.nextCursor = page.next_cursor;
    this.next.disabled = page.next_cursor === null;
    this.newest.disabled = state.cursor === null;
    const more = page.next_cursor === null ? "" : "; more available";
    this.summary.textContent =
      page.items.length === 0
        ? state.experiment
          ? `No sessions of experiment ${state.experiment}.`
          : "No sessions yet: trace an agent with Instrumentor.Sessions (see docs/sessions.md)."
        : `${page.items.length} session(s) on this page${state.cursor ? " (older)" : ", newest first"}${more}.`;
    replaceChildren(this.body, ...page.items.map((s) => this.row(s)));
  }

  private row(s: SessionSummary): HTMLElement {
    const row = h(
      "tr",
      { className: "session-row", testId: "session-row", attrs: { "data-session": s.session_id } },
      h("td", { className: "mono" }, formatTime(s.created_at)),
      h("td", { className: "mono" }, s.session_id),
      h("td", null, s.experiment_id ?? "–"),
      h("td", { className: "num" }, formatCount(s.num_timesteps)),
      h("td", { className: "num" }, formatCount(s.num_events)),
      h("td", { className: "num" }, formatCount(s.num_messages)),
      h("td", { className: "num" }, `${formatCount(s.input_tokens)} / ${formatCount(s.output_tokens)}`),
      h("td", { className: "num", testId: "session-cost" }, formatCost(s.cost_usd)),
    );
    row.addEventListener("click", () => this.app.navigate({ ...this.app.state(), session: s.session_id }, "push"));
    return row;
  }

  private async loadDetail(id: string | null): Promise<void> {
    this.detailController?.abort();
    if (id === null) {
      this.detail.hidden = true;
      replaceChildren(this.detail);
      return;
    }
    const controller = new AbortController();
    this.detailController = controller;
    this.detail.hidden = false;
    replaceChildren(this.detail, h("p", { className: "muted" }, `Loading session ${id}…`));
    try {
      this.renderDetail(await api.session(id, controller.signal));
    } catch (error) {
      if (isAbort(error)) return;
      replaceChildren(this.detail, h("p", { className: "alert-error" }, error instanceof Error ? error.message : String(error)));
    }
  }

  private renderDetail(session: SessionDetail): void {
    const close = h("button", { className: "close", testId: "session-close", title: "Close" }, "×");
    close.addEventListener("click", () => this.app.navigate({ ...this.app.state(), session: null }, "push"));
    const steps = [...session.timesteps].sort((a, b) => a.step_index - b.step_index || a.started_at.localeCompare(b.started_at));
    const known = new Set(steps.map((t) => t.id));
    const loose = entries(session, (timestep) => timestep === null || !known.has(timestep));
    replaceChildren(
      this.detail,
      h(
        "header",
        { className: "session-head" },
        h("h3", { testId: "session-id" }, session.session_id),
        close,
      ),
      h(
        "p",
        { className: "muted", testId: "session-totals" },
        `${formatTime(session.created_at)} · ${session.num_timesteps} step(s), ${session.num_events} event(s), ${session.num_messages} message(s) · ` +
          `${formatCount(session.input_tokens)} tokens in, ${formatCount(session.output_tokens)} out · ${formatCost(session.cost_usd)}`,
      ),
      session.metadata ? h("pre", { className: "value", testId: "session-metadata" }, JSON.stringify(session.metadata, null, 2)) : null,
      ...steps.map((t) => this.timestep(t, entries(session, (timestep) => timestep === t.id))),
      loose.length > 0 ? h("section", { className: "session-step" }, h("h4", null, "Outside any step"), ...loose.map((e) => this.entry(e))) : null,
    );
  }

  private timestep(t: SessionTimestep, items: Entry[]): HTMLElement {
    const took = t.completed_at ? ` · ${formatDuration(parseTime(t.completed_at) - parseTime(t.started_at))}` : " · running";
    return h(
      "section",
      { className: "session-step", testId: "session-timestep", attrs: { "data-step": t.step_id } },
      h("h4", null, `${t.step_index}. ${t.step_id}${t.turn_number === null ? "" : ` (turn ${t.turn_number})`}`, h("span", { className: "muted" }, `${formatTime(t.started_at)}${took}`)),
      ...items.map((e) => this.entry(e)),
    );
  }

  private entry(item: Entry): HTMLElement {
    if (item.kind === "message") {
      const m = item.message;
      return h(
        "div",
        { className: `session-message type-${m.message_type}`, testId: "session-message", attrs: { "data-type": m.message_type } },
        h("span", { className: "session-when mono" }, formatTime(m.event_time)),
        h("span", { className: "session-kind" }, m.message_type),
        h("pre", { className: "value" }, m.content),
      );
    }
    const e = item.event;
    const facts = [
      e.model_name ? `${e.model_name}${e.provider ? ` (${e.provider})` : ""}` : e.system_instance_id,
      e.input_tokens !== null || e.output_tokens !== null ? `${formatCount(e.input_tokens ?? 0)} in / ${formatCount(e.output_tokens ?? 0)} out` : null,
      e.cost_usd !== null ? formatCost(e.cost_usd) : null,
      e.latency_ms !== null ? formatDuration(e.latency_ms) : null,
    ].filter((f): f is string => !!f);
    let link: HTMLElement | null = null;
    if (e.trace_id) {
      const trace = e.trace_id;
      link = h("a", { className: "trace-link", testId: "session-trace-link", attrs: { href: `?view=trace&trace=${encodeURIComponent(trace)}` } }, "trace →");
      link.addEventListener("click", (event) => {
        event.preventDefault();
        this.app.navigate({ ...this.app.state(), view: "trace", trace, span: null, session: null }, "push");
      });
    }
    return h(
      "div",
      { className: `session-event type-${e.event_type}`, testId: "session-event", attrs: { "data-type": e.event_type } },
      h("span", { className: "session-when mono" }, formatTime(e.event_time)),
      h("span", { className: "session-kind" }, eventLabel(e.event_type)),
      h("span", null, facts.join(" · ")),
      e.metadata ? h("pre", { className: "value" }, JSON.stringify(e.metadata)) : null,
      link,
    );
  }
}

type Entry = { kind: "message"; at: string; message: SessionMessage } | { kind: "event"; at: string; event: SessionEvent };

/** The messages and events whose timestep matches, in time order (events first on a tie: the call, then its answer). */
function entries(session: SessionDetail, belongs: (timestep: string | null) => boolean): Entry[] {
  const items: Entry[] = [
    ...session.events.filter((e) => belongs(e.timestep_id)).map((event): Entry => ({ kind: "event", at: event.event_time, event })),
    ...session.messages.filter((m) => belongs(m.timestep_id)).map((message): Entry => ({ kind: "message", at: message.event_time, message })),
  ];
  return items.sort((a, b) => parseTime(a.at) - parseTime(b.at) || (a.kind === b.kind ? 0 : a.kind === "event" ? -1 : 1));
}

function eventLabel(type: string): string {
  return type === "cais" ? "LLM call" : type;
}

function formatCost(usd: number | null | undefined): string {
  if (usd === null || usd === undefined || Number.isNaN(usd)) return "–";
  return `$${usd < 0.01 && usd > 0 ? usd.toFixed(4) : usd.toFixed(2)}`;
}
