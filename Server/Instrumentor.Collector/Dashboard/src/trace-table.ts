// The trace table: one row per span with the plan's columns (ts, process, data, data_type, data_value,
// status, exception) and the duration; 50 rows a page from /api/spans, keyset paging (next and previous),
// filters kept in the URL, and live spans added on top of the first page without moving the reader's place.

import { api } from "./api";
import type { AppContext } from "./app-context";
import { isAbort } from "./app-context";
import { h, replaceChildren } from "./dom";
import { formatDuration, formatTime, parseTime } from "./format";
import type { Span } from "./types";
import type { Filters, PageState } from "./url-state";
import { emptyFilters } from "./url-state";

const pageSize = 50;
/** Past this many live rows on top of a page, new ones are counted instead of shown. */
const maxLiveRows = 200;

export class TraceTable {
  readonly element: HTMLElement;
  private readonly from = h("input", { testId: "filter-from", attrs: { type: "datetime-local", step: "1", "aria-label": "From (UTC)" } });
  private readonly to = h("input", { testId: "filter-to", attrs: { type: "datetime-local", step: "1", "aria-label": "To (UTC)" } });
  /** Shortcuts that set From to a moment ago and clear To. */
  private readonly range = h(
    "select",
    { testId: "filter-range", attrs: { "aria-label": "Time range" } },
    h("option", { attrs: { value: "" } }, "Any time"),
    h("option", { attrs: { value: "15" } }, "Last 15 minutes"),
    h("option", { attrs: { value: "60" } }, "Last hour"),
    h("option", { attrs: { value: "360" } }, "Last 6 hours"),
    h("option", { attrs: { value: "1440" } }, "Last 24 hours"),
    h("option", { attrs: { value: "custom", hidden: "" } }, "Custom range"),
  );
  private readonly process = h("input", {
    testId: "filter-process",
    attrs: { type: "search", list: "process-names", placeholder: "Process", "aria-label": "Process", spellcheck: "false" },
  });
  private readonly processNames = h("datalist", { attrs: { id: "process-names" } });
  /** The services the spans come from (Aspire's resource picker): suggestions are the services seen so far. */
  private readonly service = h("input", {
    testId: "filter-service",
    attrs: { type: "search", list: "service-names", placeholder: "Service", "aria-label": "Service", spellcheck: "false" },
  });
  private readonly serviceNames = h("datalist", { attrs: { id: "service-names" } });
  private readonly seenServices = new Set<string>();
  private readonly status = h(
    "select",
    { testId: "filter-status", attrs: { "aria-label": "Status" } },
    h("option", { attrs: { value: "" } }, "Any status"),
    h("option", { attrs: { value: "OK" } }, "OK"),
    h("option", { attrs: { value: "ERR" } }, "ERR"),
  );
  private readonly search = h("input", {
    testId: "filter-search",
    attrs: { type: "search", placeholder: "Search process, values, exceptions", "aria-label": "Search", spellcheck: "false" },
  });
  private readonly body = h("tbody", null);
  private readonly summary = h("span", { className: "page-summary", testId: "page-summary" });
  private readonly liveNote = h("button", { className: "live-note", attrs: { type: "button", hidden: "" } });
  private readonly previous = h("button", { testId: "previous-page", attrs: { type: "button" } }, "‹ Previous");
  private readonly newest = h("button", { testId: "first-page", attrs: { type: "button" } }, "« Newest");
  private readonly next = h("button", { testId: "next-page", attrs: { type: "button" } }, "Next ›");
  private readonly message = h("div", { className: "table-message" });

  /** Cursors of the pages before this one, so "Previous" walks back without OFFSET. */
  private cursors: (string | null)[] = [];
  private nextCursor: string | null = null;
  private shownKey = "";
  private liveRows = 0;
  private missedLive = 0;
  private request: AbortController | null = null;
  private searchTimer = 0;
  private pageNumber = 1;
  private loads = 0;

  constructor(private readonly app: AppContext) {
    const filters = h(
      "form",
      { className: "filters", attrs: { role: "search" }, on: { submit: (e) => (e.preventDefault(), this.applyFilters("push")) } },
      this.range,
      h("label", null, "From ", this.from),
      h("label", null, "To ", this.to),
      h("span", { className: "utc-note" }, "UTC"),
      this.service,
      this.serviceNames,
      this.process,
      this.processNames,
      this.status,
      this.search,
    );
    for (const input of [this.from, this.to, this.status]) input.addEventListener("change", () => this.applyFilters("push"));
    this.process.addEventListener("change", () => this.applyFilters("push"));
    this.service.addEventListener("change", () => this.applyFilters("push"));
    this.range.addEventListener("change", () => {
      const minutes = Number(this.range.value);
      this.from.value = minutes > 0 ? toInput(new Date(Date.now() - minutes * 60_000).toISOString()) : "";
      this.to.value = "";
      this.applyFilters("push");
    });
    this.search.addEventListener("input", () => {
      clearTimeout(this.searchTimer);
      this.searchTimer = window.setTimeout(() => this.applyFilters("replace"), 250);
    });
    this.search.addEventListener("change", () => {
      clearTimeout(this.searchTimer);
      this.applyFilters("replace");
    });
    this.next.addEventListener("click", () => this.goNext());
    this.previous.addEventListener("click", () => this.goPrevious());
    this.newest.addEventListener("click", () => this.goNewest());
    this.liveNote.addEventListener("click", () => this.goNewest());

    const table = h(
      "table",
      { className: "trace-table", testId: "trace-table" },
      h(
        "thead",
        null,
        h(
          "tr",
          null,
          h("th", { className: "col-ts" }, "ts"),
          h("th", { className: "col-process" }, "process"),
          h("th", { className: "col-data" }, "data"),
          h("th", { className: "col-type" }, "data_type"),
          h("th", { className: "col-value" }, "data_value"),
          h("th", { className: "col-status" }, "status"),
          h("th", { className: "col-exception" }, "exception"),
          h("th", { className: "col-duration" }, "duration"),
        ),
      ),
      this.body,
    );
    const pager = h("nav", { className: "pager" }, this.newest, this.previous, this.summary, this.next);
    this.element = h("section", { className: "traces-view" }, filters, this.liveNote, h("div", { className: "table-wrap" }, table), this.message, pager);
    void this.loadProcessNames();
  }

  /** Renders the state: reloads the page only when filters or cursor changed. */
  show(state: PageState): void {
    this.writeInputs(state.filters);
    const key = JSON.stringify([state.filters, state.cursor]);
    if (key === this.shownKey) return;
    if (!state.cursor) {
      this.cursors = [];
      this.pageNumber = 1;
    }
    this.shownKey = key;
    void this.load(state);
  }

  /** Loads the current page again (after a read key was entered). */
  reload(): void {
    this.shownKey = "";
  }

  /** A span from /api/live: shown on top of the first page when it matches the filters. */
  offerLive(span: Span, paused: boolean): void {
    const state = this.app.state();
    if (!matches(span, state.filters)) return;
    if (paused || state.cursor || this.liveRows >= maxLiveRows) {
      this.missedLive++;
      this.liveNote.hidden = false;
      this.liveNote.textContent = `${this.missedLive} new span${this.missedLive === 1 ? "" : "s"}: show newest`;
      return;
    }
    // Keep the reader's place: rows added above what they look at push it down by exactly their height.
    const anchor = this.firstVisibleRow();
    const before = anchor?.getBoundingClientRect().top ?? 0;
    this.noteServices([span]);
    const row = renderRow(span, (id) => this.openSpan(id), (trace) => this.openTrace(trace));
    row.classList.add("fresh");
    this.body.prepend(row);
    this.liveRows++;
    this.message.hidden = true;
    if (anchor) {
      const shift = anchor.getBoundingClientRect().top - before;
      if (shift !== 0) window.scrollBy(0, shift);
    }
  }

  private firstVisibleRow(): HTMLElement | null {
    if (window.scrollY === 0) return null;
    for (const row of Array.from(this.body.rows)) {
      if (row.getBoundingClientRect().bottom > 0) return row;
    }
    return null;
  }

  private async load(state: PageState): Promise<void> {
    this.request?.abort();
    const request = new AbortController();
    this.request = request;
    this.element.classList.add("loading");
    // Marks for the performance tool (docs/benchmarks.md): request sent → rows painted.
    performance.mark("instrumentor:table-request");
    try {
      const page = await api.spans(
        { ...toQuery(state.filters), cursor: state.cursor, limit: pageSize },
        request.signal,
      );
      if (request.signal.aborted) return;
      this.nextCursor = page.next_cursor;
      this.liveRows = 0;
      this.missedLive = 0;
      this.liveNote.hidden = true;
      replaceChildren(
        this.body,
        ...page.items.map((span) => renderRow(span, (id) => this.openSpan(id), (trace) => this.openTrace(trace))),
      );
      this.noteServices(page.items);
      this.message.hidden = page.items.length > 0;
      this.message.textContent = hasFilters(state.filters) ? "No span matches these filters." : "No spans stored yet.";
      const first = (this.pageNumber - 1) * pageSize + 1;
      const last = first + page.items.length - 1;
      const range = page.items.length === 0 ? "No rows" : `Rows ${first}–${last}`;
      this.summary.textContent = `${range} · ${page.next_cursor ? "more available" : "end of results"}`;
      this.next.disabled = !page.next_cursor;
      this.previous.disabled = !state.cursor;
      this.newest.disabled = !state.cursor;
      this.loads++;
      this.element.dataset.loads = String(this.loads);
      requestAnimationFrame(() => setTimeout(() => performance.mark("instrumentor:table-painted", { detail: this.loads })));
    } catch (error) {
      if (isAbort(error)) return;
      this.shownKey = "";
      this.app.fail(error);
    } finally {
      if (this.request === request) this.element.classList.remove("loading");
    }
  }

  private async loadProcessNames(): Promise<void> {
    try {
      const stats = await api.stats({ buckets: 1 });
      const names = stats.items.map((item) => item.process).sort();
      replaceChildren(this.processNames, ...names.map((name) => h("option", { attrs: { value: name } })));
    } catch {
      // suggestions only: the filter works without them
    }
  }

  private noteServices(spans: Span[]): void {
    const before = this.seenServices.size;
    for (const span of spans) if (span.service) this.seenServices.add(span.service);
    if (this.seenServices.size === before) return;
    const names = [...this.seenServices].sort();
    replaceChildren(this.serviceNames, ...names.map((name) => h("option", { attrs: { value: name } })));
  }

  private applyFilters(mode: "push" | "replace"): void {
    const state = this.app.state();
    const filters: Filters = {
      from: fromInput(this.from.value),
      to: fromInput(this.to.value),
      process: this.process.value.trim(),
      service: this.service.value.trim(),
      status: this.status.value,
      q: this.search.value.trim(),
    };
    if (JSON.stringify(filters) === JSON.stringify(state.filters)) return;
    this.app.navigate({ ...state, filters, cursor: null, span: null }, mode);
  }

  private goNext(): void {
    if (!this.nextCursor) return;
    const state = this.app.state();
    this.cursors.push(state.cursor);
    this.pageNumber++;
    this.app.navigate({ ...state, cursor: this.nextCursor, span: null }, "push");
  }

  private goPrevious(): void {
    const state = this.app.state();
    if (!state.cursor) return;
    // A page opened from a link has no history of cursors: "Previous" then goes to the newest page.
    const cursor = this.cursors.length > 0 ? this.cursors.pop()! : null;
    this.pageNumber = cursor === null ? 1 : Math.max(1, this.pageNumber - 1);
    this.app.navigate({ ...state, cursor, span: null }, "push");
  }

  private goNewest(): void {
    const state = this.app.state();
    this.cursors = [];
    this.pageNumber = 1;
    if (!state.cursor) {
      this.shownKey = "";
      this.show(state);
      window.scrollTo(0, 0);
      return;
    }
    this.app.navigate({ ...state, cursor: null, span: null }, "push");
  }

  private openSpan(id: string): void {
    this.app.navigate({ ...this.app.state(), span: id }, "push");
  }

  private openTrace(trace: string): void {
    this.app.navigate({ ...this.app.state(), view: "trace", trace, span: null }, "push");
  }

  private writeInputs(filters: Filters): void {
    if (document.activeElement !== this.range) this.range.value = filters.from || filters.to ? "custom" : "";
    setIfIdle(this.from, toInput(filters.from));
    setIfIdle(this.to, toInput(filters.to));
    setIfIdle(this.process, filters.process);
    setIfIdle(this.service, filters.service);
    this.status.value = filters.status === "OK" || filters.status === "ERR" ? filters.status : "";
    setIfIdle(this.search, filters.q);
  }
}

function renderRow(span: Span, open: (id: string) => void, openTrace: (trace: string) => void): HTMLTableRowElement {
  const data = span.data ?? [];
  // One click from a row to its whole trace (the row itself opens the span's detail); a real link, so it can
  // also open in a new tab.
  const traceLink = h(
    "a",
    { className: "row-trace", testId: "row-trace-link", title: "Open the whole trace", attrs: { href: `?view=trace&trace=${encodeURIComponent(span.trace_id)}` } },
    "trace ›",
  );
  traceLink.addEventListener("click", (e) => {
    e.stopPropagation();
    if (e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey) return;
    e.preventDefault();
    openTrace(span.trace_id);
  });
  traceLink.addEventListener("keydown", (e) => e.stopPropagation());
  const lines = (pick: (index: number) => string) =>
    data.length === 0 ? [h("span", { className: "none" }, "–")] : data.map((_, i) => h("div", { className: "line" }, pick(i)));
  const row = h(
    "tr",
    {
      testId: "trace-row",
      className: span.status === "ERR" ? "err" : "",
      attrs: { "data-span-id": span.span_id, tabindex: "0" },
      on: {
        click: () => open(span.span_id),
        keydown: (e) => {
          if (e.key === "Enter") open(span.span_id);
        },
      },
    },
    // The service under the time: which application a span came from, without a column of its own.
    h(
      "td",
      { className: "col-ts" },
      formatTime(span.ts ?? span.start),
      h("div", { className: "row-meta" }, span.service ? h("span", { className: "row-service", title: "service" }, span.service) : null, traceLink),
    ),
    h("td", { className: "col-process", title: span.process }, span.process),
    h("td", { className: "col-data" }, ...lines((i) => data[i].name)),
    h("td", { className: "col-type" }, ...lines((i) => data[i].type)),
    h("td", { className: "col-value" }, ...lines((i) => data[i].value ?? "null")),
    h("td", { className: "col-status" }, h("span", { className: `status status-${span.status === "ERR" ? "err" : "ok"}` }, span.status)),
    h("td", { className: "col-exception", title: span.exception ?? "" }, firstLine(span.exception)),
    h("td", { className: "col-duration" }, formatDuration(span.duration_ms)),
  );
  return row;
}

function firstLine(text: string | null): string {
  if (!text) return "";
  const newline = text.indexOf("\n");
  return newline < 0 ? text : text.slice(0, newline);
}

/** The client's reading of the same filters, for live spans (the server decides for pages). */
export function matches(span: Span, filters: Filters): boolean {
  if (filters.status && span.status !== filters.status) return false;
  if (filters.process && span.process !== filters.process) return false;
  if (filters.service && (span.service ?? "") !== filters.service) return false;
  const start = parseTime(span.ts ?? span.start);
  if (filters.from && start < parseTime(filters.from)) return false;
  if (filters.to && start > parseTime(filters.to)) return false;
  if (filters.q) {
    const needle = filters.q.toLowerCase();
    const haystack = [span.process, span.exception ?? "", ...(span.data ?? []).map((d) => d.value ?? "")];
    if (!haystack.some((text) => text.toLowerCase().includes(needle))) return false;
  }
  return true;
}

function toQuery(filters: Filters) {
  return {
    from: filters.from || null,
    to: filters.to || null,
    process: filters.process || null,
    service: filters.service || null,
    status: filters.status || null,
    q: filters.q || null,
  };
}

function hasFilters(filters: Filters): boolean {
  return JSON.stringify(filters) !== JSON.stringify(emptyFilters);
}

/** A datetime-local value, read as UTC ("2026-12-01T17:52" → "2026-12-01T17:52:00Z"). */
function fromInput(value: string): string {
  if (!value) return "";
  return value.length === 16 ? `${value}:00Z` : `${value}Z`;
}

/** An ISO time for a datetime-local input (UTC). */
function toInput(value: string): string {
  if (!value) return "";
  const ms = parseTime(value);
  if (Number.isNaN(ms)) return "";
  return new Date(ms).toISOString().slice(0, 19);
}

/** Sets an input's value unless the user is typing in it. */
function setIfIdle(input: HTMLInputElement, value: string): void {
  if (document.activeElement !== input && input.value !== value) input.value = value;
}
