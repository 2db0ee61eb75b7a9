// The alerts view: every rule of `instrumentor serve --alerts FILE` from /api/alerts (polled), with its state,
// last value, last evaluation, last error and history (newest first). Values are shown as text only.

import type { AppContext } from "./app-context";
import { isAbort } from "./app-context";
import { api } from "./api";
import { h, replaceChildren } from "./dom";
import { formatCount, formatTime } from "./format";
import type { Alert, AlertHistory, Alerts } from "./types";

const pollMs = 2000;

export class AlertsView {
  readonly element: HTMLElement;
  private readonly summary = h("p", { className: "alerts-summary", testId: "alerts-summary" }, "Loading alerts…");
  private readonly list = h("div", { className: "alerts-list" });
  private timer = 0;
  private controller: AbortController | null = null;

  constructor(private readonly app: AppContext) {
    this.element = h("section", { className: "alerts-view", testId: "alerts" }, h("h2", null, "Alerts"), this.summary, this.list);
  }

  /** Starts polling while the view is shown. */
  show(): void {
    clearTimeout(this.timer);
    void this.poll();
  }

  /** Stops polling (another view is shown). */
  hide(): void {
    clearTimeout(this.timer);
    this.controller?.abort();
    this.controller = null;
  }

  private async poll(): Promise<void> {
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    try {
      this.render(await api.alerts(controller.signal));
    } catch (error) {
      if (isAbort(error)) return;
      this.app.fail(error);
    }
    if (this.controller === controller) this.timer = window.setTimeout(() => void this.poll(), pollMs);
  }

  private render(alerts: Alerts): void {
    if (alerts.config === null) {
      this.summary.textContent = "No alert rules: start the collector with --alerts alerts.toml (see docs/alerts.md).";
    } else {
      const firing = alerts.items.filter((a) => a.state === "firing").length;
      this.summary.textContent = `${alerts.items.length} rule(s) from ${alerts.config}, loaded ${formatTime(alerts.loaded_at)}; ${firing} firing.`;
    }
    const reload = alerts.reload_error
      ? h("p", { className: "alerts-reload-error", testId: "alerts-reload-error" }, `The last reload was refused (the rules above stay): ${alerts.reload_error}`)
      : null;
    replaceChildren(this.list, reload, ...alerts.items.map(rule));
  }
}

function rule(alert: Alert): HTMLElement {
  return h(
    "article",
    { className: `alert-rule state-${alert.state}`, testId: "alert-rule", attrs: { "data-rule": alert.name, "data-state": alert.state } },
    h(
      "header",
      { className: "alert-head" },
      h("span", { className: "alert-name", testId: "alert-name" }, alert.name),
      h("span", { className: `alert-state state-${alert.state}`, testId: "alert-state" }, alert.state),
      h("span", { className: "alert-severity" }, alert.severity),
    ),
    h(
      "dl",
      { className: "alert-facts" },
      fact("last value", h("span", { testId: "alert-last-value" }, alert.last_value === null ? "–" : String(alert.last_value))),
      fact("threshold", String(alert.threshold)),
      fact("last evaluation", h("span", { testId: "alert-last-evaluation" }, alert.last_evaluation ? formatTime(alert.last_evaluation) : "not yet")),
      fact("evaluations", formatCount(alert.evaluations)),
      fact("firings", formatCount(alert.firings)),
      fact("action", alert.action),
      fact("every", `${alert.interval_seconds} s`),
    ),
    h("pre", { className: "alert-query value" }, alert.query),
    alert.last_error ? h("p", { className: "alert-error", testId: "alert-error" }, alert.last_error) : null,
    alert.action_error ? h("p", { className: "alert-error", testId: "alert-action-error" }, `action: ${alert.action_error}`) : null,
    history(alert.history),
  );
}

function fact(label: string, value: HTMLElement | string): HTMLElement {
  return h("div", { className: "alert-fact" }, h("dt", null, label), h("dd", null, value));
}

function history(items: AlertHistory[]): HTMLElement {
  if (items.length === 0) return h("p", { className: "alert-history-empty", testId: "alert-history" }, "No events yet.");
  return h(
    "table",
    { className: "alert-history", testId: "alert-history" },
    h("thead", null, h("tr", null, h("th", null, "at"), h("th", null, "event"), h("th", null, "value"), h("th", null, "evaluation"), h("th", null, "detail"))),
    h(
      "tbody",
      null,
      ...items.map((item) =>
        h(
          "tr",
          { testId: "alert-event", attrs: { "data-event": item.event } },
          h("td", null, formatTime(item.at)),
          h("td", { className: `event-${item.event}` }, item.event),
          h("td", null, item.value === null ? "–" : String(item.value)),
          h("td", null, String(item.evaluation)),
          h("td", null, item.detail ?? ""),
        ),
      ),
    ),
  );
}
