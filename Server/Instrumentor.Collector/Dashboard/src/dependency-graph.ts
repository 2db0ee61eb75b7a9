// The dependency graph of processes from /api/graph: a node per process (calls, error share, last update),
// an edge per parent → child pair (calls), laid out by Cytoscape.js. A table under it says the same in text.

import type cytoscape from "cytoscape";
import { api } from "./api";
import type { AppContext } from "./app-context";
import { isAbort } from "./app-context";
import { h, replaceChildren } from "./dom";
import { formatAge, formatCount, formatPercent, shortProcess } from "./format";
import type { Graph } from "./types";

export class DependencyGraphView {
  readonly element: HTMLElement;
  private readonly canvas = h("div", { className: "graph-canvas", testId: "dependency-graph" });
  private readonly summary = h("div", { className: "graph-summary" });
  private readonly table = h("tbody", null);
  private graph: cytoscape.Core | null = null;
  private request: AbortController | null = null;
  private defaultRange = true;

  constructor(private readonly app: AppContext) {
    this.element = h(
      "section",
      { className: "graph-view" },
      h("header", { className: "graph-header" }, h("h2", null, "Dependency graph"), this.summary),
      this.canvas,
      h(
        "table",
        { className: "graph-table" },
        h(
          "thead",
          null,
          h("tr", null, h("th", null, "process"), h("th", null, "calls"), h("th", null, "errors"), h("th", null, "error share"), h("th", null, "last update")),
        ),
        this.table,
      ),
    );
  }

  show(): void {
    this.request?.abort();
    const request = new AbortController();
    this.request = request;
    const { from, to } = this.app.state().filters;
    // Without a range the graph covers the last hour: what a user opening the graph wants to see (the whole store is
    // also cheap now that the collector keeps per-minute edge rollups, but a day of history hides today's calls).
    this.defaultRange = !from && !to;
    const since = this.defaultRange ? new Date(Date.now() - 3_600_000).toISOString() : from;
    void api
      .graph({ from: since || undefined, to: to || undefined }, request.signal)
      .then(async (graph) => {
        const { default: cytoscape } = await import("cytoscape");
        if (!request.signal.aborted) this.render(graph, cytoscape);
      })
      .catch((error) => {
        if (!isAbort(error)) this.app.fail(error);
      });
  }

  private render(graph: Graph, cytoscape: typeof import("cytoscape")): void {
    const now = Date.now();
    this.summary.textContent = `${graph.nodes.length} processes · ${graph.edges.length} call edges · ${this.defaultRange ? "last hour (set From / To on the traces page for another range)" : "the traces page's From / To"}`;
    replaceChildren(
      this.table,
      ...[...graph.nodes]
        .sort((a, b) => b.count - a.count)
        .map((node) =>
          h(
            "tr",
            { attrs: { "data-process": node.process } },
            h("td", { className: "mono" }, node.process),
            h("td", null, formatCount(node.count)),
            h("td", null, formatCount(node.errors)),
            h("td", null, formatPercent(node.count ? node.errors / node.count : 0)),
            h("td", null, formatAge(node.last_seen, now)),
          ),
        ),
    );
    const known = new Set(graph.nodes.map((n) => n.process));
    const elements: cytoscape.ElementDefinition[] = [
      ...graph.nodes.map((node) => {
        const share = node.count ? node.errors / node.count : 0;
        return {
          data: {
            id: node.process,
            label: `${shortProcess(node.process)}\n${formatCount(node.count)} calls · ${formatPercent(share)} err\n${formatAge(node.last_seen, now)}`,
            share,
          },
        };
      }),
      ...graph.edges
        .filter((edge) => known.has(edge.from) && known.has(edge.to))
        .map((edge, i) => ({ data: { id: `e${i}`, source: edge.from, target: edge.to, label: formatCount(edge.count) } })),
    ];
    this.graph?.destroy();
    this.graph = cytoscape({
      container: this.canvas,
      elements,
      // Text is drawn on a canvas by Cytoscape: labels are never parsed as markup.
      style: [
        {
          selector: "node",
          style: {
            shape: "round-rectangle",
            width: 210,
            height: 62,
            "background-color": "mapData(share, 0, 0.5, #22324a, #7a2330)",
            "border-width": 1,
            "border-color": "mapData(share, 0, 0.5, #5b9bf8, #f0616d)",
            label: "data(label)",
            color: "#e6e9ef",
            "font-size": 12,
            "text-wrap": "wrap",
            "text-valign": "center",
            "text-halign": "center",
          },
        },
        {
          selector: "edge",
          style: {
            width: 1.5,
            "curve-style": "bezier",
            "target-arrow-shape": "triangle",
            "line-color": "#56627a",
            "target-arrow-color": "#56627a",
            label: "data(label)",
            color: "#aab3c5",
            "font-size": 10,
            "text-background-color": "#12161f",
            "text-background-opacity": 1,
            "text-background-padding": "2px",
          },
        },
      ],
      layout: { name: "breadthfirst", directed: true, spacingFactor: 1.1, padding: 20 },
      wheelSensitivity: 0.3,
    });
    // For tests and tools: how many nodes and edges were laid out.
    this.canvas.dataset.nodes = String(this.graph.nodes().length);
    this.canvas.dataset.edges = String(this.graph.edges().length);
    this.graph.on("tap", "node", (event) => {
      const process = event.target.id() as string;
      const state = this.app.state();
      this.app.navigate({ ...state, view: "traces", filters: { ...state.filters, process }, cursor: null, span: null }, "push");
    });
  }
}
