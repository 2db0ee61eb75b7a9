// The trace view: a waterfall of the trace's spans, children under their parent (depth-first, by start),
// one bar per span on a shared time axis, each span's service beside its name and its bar in the service's
// colour (red when it failed), so a trace that crosses services shows where each part ran. Only the rows in
// sight are in the DOM, so a trace of 10,000 spans scrolls as fast as one of ten.

import { api } from "./api";
import type { AppContext } from "./app-context";
import { isAbort } from "./app-context";
import { h, replaceChildren } from "./dom";
import { formatDuration, formatTime, parseTime, shortProcess } from "./format";
import type { Span } from "./types";

const rowHeight = 24;
const overscan = 20;
/** Service colours (styles.css .svc-0 … .svc-7), given in order of first appearance in the trace. */
const serviceColours = 8;

interface Row {
  span: Span;
  depth: number;
  start: number;
  duration: number;
  hasChildren: boolean;
}

/** Orders spans depth-first under their parents; a span whose parent is not in the trace is a root. */
export function layoutTrace(spans: Span[]): Row[] {
  const byId = new Map<string, Span>();
  for (const span of spans) byId.set(span.span_id, span);
  const children = new Map<string, Span[]>();
  const roots: Span[] = [];
  for (const span of spans) {
    const parent = span.parent_span_id;
    if (parent && parent !== span.span_id && byId.has(parent)) {
      let list = children.get(parent);
      if (!list) children.set(parent, (list = []));
      list.push(span);
    } else {
      roots.push(span);
    }
  }
  const startOf = new Map<Span, number>();
  for (const span of spans) startOf.set(span, parseTime(span.start ?? span.ts));
  const byStart = (a: Span, b: Span) => startOf.get(a)! - startOf.get(b)!;
  roots.sort(byStart);
  const rows: Row[] = [];
  const seen = new Set<string>();
  // An explicit stack: a chain of 10,000 nested calls must not overflow the JavaScript stack.
  const stack: { span: Span; depth: number }[] = roots.reverse().map((span) => ({ span, depth: 0 }));
  while (stack.length > 0) {
    const { span, depth } = stack.pop()!;
    if (seen.has(span.span_id)) continue;
    seen.add(span.span_id);
    const kids = children.get(span.span_id) ?? [];
    rows.push({ span, depth, start: startOf.get(span)!, duration: span.duration_ms ?? 0, hasChildren: kids.length > 0 });
    kids.sort(byStart);
    for (let i = kids.length - 1; i >= 0; i--) stack.push({ span: kids[i], depth: depth + 1 });
  }
  return rows;
}

export class TraceView {
  readonly element: HTMLElement;
  private readonly header = h("header", { className: "trace-header" });
  private readonly axis = h("div", { className: "waterfall-axis" });
  private readonly viewport = h("div", { className: "waterfall", testId: "waterfall", attrs: { tabindex: "0" } });
  private readonly spacer = h("div", { className: "waterfall-spacer" });
  private readonly rowsLayer = h("div", { className: "waterfall-rows" });
  private rows: Row[] = [];
  private serviceIndex = new Map<string, number>();
  private traceStart = 0;
  private traceLength = 1;
  private shown: string | null = null;
  private request: AbortController | null = null;
  private frame = 0;

  constructor(private readonly app: AppContext) {
    this.spacer.appendChild(this.rowsLayer);
    this.viewport.appendChild(this.spacer);
    this.viewport.addEventListener("scroll", () => this.schedule());
    window.addEventListener("resize", () => this.schedule());
    this.element = h("section", { className: "trace-view" }, this.header, this.axis, this.viewport);
  }

  show(traceId: string | null): void {
    if (traceId === this.shown) {
      this.schedule();
      return;
    }
    this.shown = traceId;
    this.request?.abort();
    this.rows = [];
    this.render();
    if (!traceId) {
      replaceChildren(this.header, h("p", { className: "muted" }, "No trace selected."));
      return;
    }
    replaceChildren(this.header, h("p", { className: "muted" }, "Loading trace…"));
    const request = new AbortController();
    this.request = request;
    void this.load(traceId, request.signal);
  }

  private async load(traceId: string, signal: AbortSignal): Promise<void> {
    try {
      const trace = await api.trace(traceId, signal);
      if (signal.aborted) return;
      this.rows = layoutTrace(trace.spans);
      const starts = this.rows.map((r) => r.start).filter((t) => !Number.isNaN(t));
      const ends = this.rows.map((r) => r.start + r.duration).filter((t) => !Number.isNaN(t));
      this.traceStart = starts.length ? Math.min(...starts) : 0;
      this.traceLength = Math.max(ends.length ? Math.max(...ends) - this.traceStart : 0, 0.001);
      const depth = this.rows.reduce((max, r) => Math.max(max, r.depth), 0) + 1;
      this.serviceIndex = new Map();
      for (const row of this.rows) {
        const service = row.span.service ?? "";
        if (!this.serviceIndex.has(service)) this.serviceIndex.set(service, this.serviceIndex.size);
      }
      const services = this.serviceIndex.size;
      const errors = this.rows.filter((r) => r.span.status === "ERR").length;
      const root = this.rows[0]?.span;
      const back = h("a", { className: "back", attrs: { href: "?" } }, "← Traces");
      back.addEventListener("click", (e) => {
        e.preventDefault();
        this.app.navigate({ ...this.app.state(), view: "traces", trace: null, span: null }, "push");
      });
      replaceChildren(
        this.header,
        back,
        // Named after its first span, as a reader names a request ("frontend: GET /orders/{id}"); the id beside it.
        h(
          "h2",
          null,
          root ? `${root.service ? `${root.service}: ` : ""}${root.process} ` : "Trace ",
          h("span", { className: "mono trace-id" }, traceId),
        ),
        h(
          "div",
          { className: "trace-meta", testId: "trace-meta" },
          fact("start", formatTime(this.rows[0]?.span.start ?? "")),
          fact("duration", formatDuration(this.traceLength)),
          fact("spans", String(this.rows.length)),
          fact("depth", String(depth)),
          fact("services", String(services)),
          fact("errors", String(errors)),
        ),
      );
      this.renderAxis();
      this.render();
      this.viewport.scrollTop = 0;
    } catch (error) {
      if (isAbort(error)) return;
      replaceChildren(this.header, h("p", { className: "error" }, error instanceof Error ? error.message : String(error)));
      this.app.fail(error);
    }
  }

  private renderAxis(): void {
    const ticks = 5;
    replaceChildren(
      this.axis,
      h("div", { className: "waterfall-name" }, "span"),
      h("div", { className: "waterfall-service" }, "service"),
      h(
        "div",
        { className: "waterfall-timeline" },
        ...Array.from({ length: ticks + 1 }, (_, i) =>
          h("span", { className: "tick", style: { left: `${(i / ticks) * 100}%` } }, formatDuration((this.traceLength * i) / ticks)),
        ),
      ),
    );
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  private render(): void {
    this.spacer.style.height = `${this.rows.length * rowHeight}px`;
    const top = this.viewport.scrollTop;
    const height = this.viewport.clientHeight || 600;
    const first = Math.max(0, Math.floor(top / rowHeight) - overscan);
    const last = Math.min(this.rows.length, Math.ceil((top + height) / rowHeight) + overscan);
    this.rowsLayer.style.transform = `translateY(${first * rowHeight}px)`;
    const fragment = document.createDocumentFragment();
    for (let i = first; i < last; i++) fragment.appendChild(this.renderRow(this.rows[i], i));
    this.rowsLayer.replaceChildren(fragment);
  }

  private renderRow(row: Row, index: number): HTMLElement {
    const offset = ((row.start - this.traceStart) / this.traceLength) * 100;
    const width = Math.max((row.duration / this.traceLength) * 100, 0.15);
    const err = row.span.status === "ERR";
    const service = row.span.service ?? "";
    const colour = `svc-${(this.serviceIndex.get(service) ?? 0) % serviceColours}`;
    const element = h(
      "div",
      {
        className: `waterfall-row${err ? " err" : ""}`,
        testId: "waterfall-row",
        attrs: { "data-span-id": row.span.span_id, "data-depth": String(row.depth), "data-index": String(index) },
        on: { click: () => this.app.navigate({ ...this.app.state(), span: row.span.span_id }, "push") },
      },
      h(
        "div",
        { className: "waterfall-name", title: row.span.process, style: { paddingLeft: `${Math.min(row.depth, 40) * 14 + 6}px` } },
        h("span", { className: "twig" }, row.hasChildren ? "▾" : "·"),
        err ? h("span", { className: "err-mark", title: "failed" }, "!") : null,
        shortProcess(row.span.process),
      ),
      h("div", { className: `waterfall-service ${colour}`, title: service }, service || "–"),
      h(
        "div",
        { className: "waterfall-timeline" },
        h("div", {
          className: `waterfall-bar ${colour}`,
          style: { left: `${Math.min(offset, 99.85)}%`, width: `${Math.min(width, 100 - Math.min(offset, 99.85))}%` },
        }),
        h("span", { className: "waterfall-label", style: { left: `${Math.min(offset + width, 100)}%` } }, formatDuration(row.span.duration_ms)),
      ),
    );
    return element;
  }
}

function fact(label: string, value: string): HTMLElement {
  return h("span", { className: "metric" }, h("span", { className: "metric-label" }, label), h("span", { className: "metric-value" }, value));
}
