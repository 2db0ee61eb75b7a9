// The status bar: queue depth, error rate of the last 5 minutes, write lag and the store's size from
// /api/status (polled), the live feed's state and its pause toggle.

import { api } from "./api";
import { h } from "./dom";
import { formatBytes, formatCount, formatDuration, formatPercent } from "./format";

const pollMs = 2000;

export class StatusBar {
  readonly element: HTMLElement;
  readonly pause = h("button", { className: "pause", testId: "live-pause", attrs: { type: "button", "aria-pressed": "false" } }, "Pause live");
  private readonly queueDepth = value("queue-depth");
  private readonly errorRate = value("error-rate");
  private readonly writeLag = value("write-lag");
  private readonly total = value("spans-total");
  private readonly ingest = value("ingest-rate");
  private readonly size = value("store-bytes");
  private readonly live = h("span", { className: "live-state", testId: "live-state" }, "live: connecting");
  private timer = 0;

  constructor(private readonly onUnauthorized: (error: unknown) => void) {
    this.element = h(
      "footer",
      { className: "status-bar", testId: "status-bar" },
      item("queue", this.queueDepth),
      item("errors 5 min", this.errorRate),
      item("write lag", this.writeLag),
      item("spans", this.total),
      item("ingest", this.ingest),
      item("store", this.size),
      h("span", { className: "spacer" }),
      this.live,
      this.pause,
    );
  }

  start(): void {
    clearTimeout(this.timer);
    void this.poll();
  }

  setLive(connected: boolean, paused: boolean): void {
    this.live.textContent = paused ? "live: paused" : connected ? "live: on" : "live: reconnecting";
    this.live.className = `live-state ${paused ? "paused" : connected ? "on" : "off"}`;
    this.pause.textContent = paused ? "Resume live" : "Pause live";
    this.pause.setAttribute("aria-pressed", String(paused));
  }

  private async poll(): Promise<void> {
    try {
      const status = await api.status();
      this.queueDepth.textContent = formatCount(status.queue_depth);
      this.errorRate.textContent = formatPercent(status.error_rate_5m);
      this.writeLag.textContent = formatDuration(status.write_lag_ms);
      this.total.textContent = formatCount(status.spans_total);
      this.ingest.textContent = `${formatCount(Math.round(status.ingest_per_s))}/s`;
      this.size.textContent = formatBytes(status.store_bytes);
      this.element.classList.remove("stale");
    } catch (error) {
      this.element.classList.add("stale");
      this.onUnauthorized(error);
    }
    this.timer = window.setTimeout(() => void this.poll(), pollMs);
  }
}

function value(testId: string): HTMLElement {
  return h("span", { className: "status-value", testId }, "–");
}

function item(label: string, valueElement: HTMLElement): HTMLElement {
  return h("span", { className: "status-item" }, h("span", { className: "status-label" }, label), valueElement);
}
