// The detail modal of one span: inputs and outputs, exception with stack, the method's source location and
// signature, a sparkline and p50/p95/p99 of its recent calls (/api/stats?process=…), its logs, and a link
// to the whole trace.

import { api } from "./api";
import type { AppContext } from "./app-context";
import { isAbort } from "./app-context";
import { h, replaceChildren } from "./dom";
import { formatCount, formatDuration, formatPercent, formatTime, parseTime } from "./format";
import type { LogEntry, SpanData, SpanDetail } from "./types";

export class SpanDetailModal {
  readonly element: HTMLElement;
  private readonly panel = h("div", { className: "modal-panel", testId: "span-detail", attrs: { role: "dialog", "aria-modal": "true" } });
  private request: AbortController | null = null;
  private shown: string | null = null;
  private chart: { destroy(): void } | null = null;

  constructor(private readonly app: AppContext) {
    this.element = h("div", { className: "modal", attrs: { hidden: "" } }, this.panel);
    this.element.addEventListener("click", (e) => {
      if (e.target === this.element) this.close();
    });
    document.addEventListener("keydown", (e) => {
      if (e.key === "Escape" && !this.element.hidden) this.close();
    });
  }

  show(spanId: string | null): void {
    if (spanId === this.shown) return;
    this.shown = spanId;
    this.request?.abort();
    this.chart?.destroy();
    this.chart = null;
    if (!spanId) {
      this.element.hidden = true;
      replaceChildren(this.panel);
      return;
    }
    this.element.hidden = false;
    replaceChildren(this.panel, this.closeButton(), h("p", { className: "muted" }, "Loading span…"));
    const request = new AbortController();
    this.request = request;
    void this.load(spanId, request.signal);
  }

  private closeButton(): HTMLButtonElement {
    return h("button", { className: "modal-close", testId: "detail-close", attrs: { type: "button", "aria-label": "Close" }, on: { click: () => this.close() } }, "×");
  }

  private close(): void {
    this.app.navigate({ ...this.app.state(), span: null }, "push");
  }

  private async load(spanId: string, signal: AbortSignal): Promise<void> {
    try {
      const span = await api.span(spanId, signal);
      if (signal.aborted) return;
      this.render(span);
      void this.loadStats(span, signal);
    } catch (error) {
      if (isAbort(error)) return;
      replaceChildren(this.panel, this.closeButton(), h("p", { className: "error" }, error instanceof Error ? error.message : String(error)));
    }
  }

  private render(span: SpanDetail): void {
    const data = span.data ?? [];
    const inputs = data.filter((d) => d.type !== "OUTPUT");
    const outputs = data.filter((d) => d.type === "OUTPUT");
    const traceHref = `?view=trace&trace=${encodeURIComponent(span.trace_id)}`;
    const traceLink = h("a", { className: "trace-link", testId: "trace-link", attrs: { href: traceHref } }, "Open the whole trace →");
    traceLink.addEventListener("click", (e) => {
      e.preventDefault();
      this.app.navigate({ ...this.app.state(), view: "trace", trace: span.trace_id, span: null }, "push");
    });
    const source = span.source;
    const sourceText = source?.file ? `${source.file}${source.line ? `:${source.line}` : ""}` : null;

    replaceChildren(
      this.panel,
      this.closeButton(),
      h(
        "header",
        { className: "detail-header" },
        h("h2", { testId: "detail-process" }, span.process),
        h(
          "div",
          { className: "detail-meta" },
          h("span", { className: `status status-${span.status === "ERR" ? "err" : "ok"}` }, span.status),
          h("span", null, formatDuration(span.duration_ms)),
          h("span", null, formatTime(span.ts ?? span.start)),
          span.service ? h("span", null, span.service) : null,
          span.process_group ? h("span", null, span.process_group) : null,
          traceLink,
        ),
      ),
      h(
        "section",
        { className: "detail-section", testId: "detail-source" },
        h("h3", null, "Source"),
        sourceText ? h("div", { className: "mono" }, sourceText) : h("div", { className: "muted" }, "No source location recorded."),
        source?.signature ? h("pre", { className: "signature" }, source.signature) : null,
      ),
      h("div", { className: "detail-columns" }, valuesSection("Inputs", "detail-inputs", inputs), valuesSection("Outputs", "detail-outputs", outputs)),
      span.exception
        ? h("section", { className: "detail-section" }, h("h3", null, "Exception"), h("pre", { className: "exception", testId: "detail-exception" }, span.exception))
        : null,
      h(
        "section",
        { className: "detail-section" },
        h("h3", null, "Calls of this method in the hour around this one"),
        h("div", { className: "percentiles", testId: "percentiles" }, h("span", { className: "muted" }, "Loading…")),
        h("div", { className: "sparkline", testId: "sparkline" }),
      ),
      logsSection(span.logs ?? []),
      h(
        "section",
        { className: "detail-section ids" },
        h("h3", null, "Ids"),
        idLine("trace", span.trace_id),
        idLine("span", span.span_id),
        idLine("parent", span.parent_span_id ?? "none (root)"),
        span.thread_id !== undefined && span.thread_id !== null ? idLine("thread", String(span.thread_id)) : null,
      ),
    );
  }

  private async loadStats(span: SpanDetail, signal: AbortSignal): Promise<void> {
    const percentiles = this.panel.querySelector<HTMLElement>("[data-testid=percentiles]");
    const sparkline = this.panel.querySelector<HTMLElement>("[data-testid=sparkline]");
    if (!percentiles || !sparkline) return;
    try {
      // The hour around this call (55 minutes before, 5 after): its neighbours, wherever it sits in the store.
      const at = parseTime(span.ts ?? span.start);
      const window = Number.isNaN(at)
        ? {}
        : { from: new Date(at - 55 * 60_000).toISOString(), to: new Date(at + 5 * 60_000).toISOString() };
      const stats = await api.stats({ process: span.process, buckets: 30, ...window }, signal);
      if (signal.aborted) return;
      const item = stats.items.find((i) => i.process === span.process) ?? stats.items[0];
      if (!item) {
        replaceChildren(percentiles, h("span", { className: "muted" }, "No recent calls in the stats window."));
        return;
      }
      replaceChildren(
        percentiles,
        metric("p50", formatDuration(item.p50_ms), "p50"),
        metric("p95", formatDuration(item.p95_ms), "p95"),
        metric("p99", formatDuration(item.p99_ms), "p99"),
        metric("calls", formatCount(item.count), "count"),
        metric("errors", `${formatCount(item.errors)} (${formatPercent(item.error_rate)})`, "errors"),
      );
      const { renderSparkline } = await import("./sparkline");
      if (signal.aborted) return;
      this.chart = renderSparkline(sparkline, item.buckets ?? []);
    } catch (error) {
      if (isAbort(error)) return;
      replaceChildren(percentiles, h("span", { className: "error" }, "Stats unavailable."));
    }
  }
}

function metric(label: string, value: string, key: string): HTMLElement {
  return h("span", { className: "metric", attrs: { "data-metric": key } }, h("span", { className: "metric-label" }, label), h("span", { className: "metric-value" }, value));
}

function valuesSection(title: string, testId: string, values: SpanData[]): HTMLElement {
  return h(
    "section",
    { className: "detail-section", testId },
    h("h3", null, title),
    values.length === 0
      ? h("div", { className: "muted" }, "None captured.")
      : h(
          "table",
          { className: "values" },
          h(
            "tbody",
            null,
            ...values.map((v) => h("tr", null, h("th", null, v.name), h("td", null, h("pre", { className: "value" }, v.value ?? "null")))),
          ),
        ),
  );
}

function logsSection(logs: LogEntry[]): HTMLElement | null {
  if (logs.length === 0) return null;
  return h(
    "section",
    { className: "detail-section", testId: "detail-logs" },
    h("h3", null, `Logs (${logs.length})`),
    h(
      "table",
      { className: "logs" },
      h(
        "tbody",
        null,
        ...logs.map((log) =>
          h(
            "tr",
            null,
            h("td", { className: "mono" }, formatTime(log.ts ?? log.timestamp ?? "")),
            h("td", null, log.level ?? ""),
            h("td", { className: "mono muted" }, log.logger ?? ""),
            h("td", null, h("pre", { className: "value" }, log.exception ? `${log.message ?? ""}\n${log.exception}` : log.message ?? "")),
          ),
        ),
      ),
    ),
  );
}

function idLine(label: string, value: string): HTMLElement {
  return h("div", { className: "id-line" }, h("span", { className: "metric-label" }, label), h("span", { className: "mono" }, value));
}
