// The query API client. With `instrumentor serve --read-key KEY` every call needs
// `Authorization: Bearer KEY`; a 401 asks the user for the key (kept for this browser tab only).

import type { Alerts, Graph, SessionDetail, SessionPage, Span, SpanDetail, SpanPage, Stats, Status, Trace } from "./types";

const keyStorage = "instrumentor.read-key";

/** Raised when the server refuses the key (or none was given). */
export class UnauthorizedError extends Error {
  constructor() {
    super("The collector needs a read key.");
  }
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function readKey(): string | null {
  return sessionStorage.getItem(keyStorage);
}

export function setReadKey(key: string | null): void {
  if (key) sessionStorage.setItem(keyStorage, key);
  else sessionStorage.removeItem(keyStorage);
}

export function authHeaders(): HeadersInit {
  const key = readKey();
  return key ? { Authorization: `Bearer ${key}` } : {};
}

async function getJson<T>(path: string, params?: Record<string, string | number | null | undefined>, signal?: AbortSignal): Promise<T> {
  const url = new URL(path, location.origin);
  if (params) {
    for (const [name, value] of Object.entries(params)) {
      if (value !== null && value !== undefined && value !== "") url.searchParams.set(name, String(value));
    }
  }
  const response = await fetch(url, { headers: { Accept: "application/json", ...authHeaders() }, signal });
  if (response.status === 401 || response.status === 403) throw new UnauthorizedError();
  if (!response.ok) {
    let detail = response.statusText;
    try {
      const problem = await response.json();
      detail = problem.detail ?? problem.title ?? detail;
    } catch {
      // not a problem document: keep the status text
    }
    throw new ApiError(response.status, `${path}: ${response.status} ${detail}`);
  }
  return (await response.json()) as T;
}

export interface SpanQuery {
  from?: string | null;
  to?: string | null;
  process?: string | null;
  status?: string | null;
  service?: string | null;
  q?: string | null;
  cursor?: string | null;
  limit?: number;
}

export const api = {
  spans: (query: SpanQuery, signal?: AbortSignal) => getJson<SpanPage>("/api/spans", { limit: 50, ...query }, signal),
  span: (id: string, signal?: AbortSignal) => getJson<SpanDetail>(`/api/spans/${encodeURIComponent(id)}`, undefined, signal),
  trace: (id: string, signal?: AbortSignal) => getJson<Trace>(`/api/traces/${encodeURIComponent(id)}`, undefined, signal),
  stats: (query: { process?: string; from?: string; to?: string; buckets?: number }, signal?: AbortSignal) =>
    getJson<Stats>("/api/stats", query, signal),
  graph: (query: { from?: string; to?: string }, signal?: AbortSignal) => getJson<Graph>("/api/graph", query, signal),
  status: (signal?: AbortSignal) => getJson<Status>("/api/status", undefined, signal),
  alerts: (signal?: AbortSignal) => getJson<Alerts>("/api/alerts", undefined, signal),
  sessions: (query: { experiment?: string | null; cursor?: string | null; limit?: number }, signal?: AbortSignal) =>
    getJson<SessionPage>("/api/sessions", { limit: 50, ...query }, signal),
  session: (id: string, signal?: AbortSignal) => getJson<SessionDetail>(`/api/sessions/${encodeURIComponent(id)}`, undefined, signal),
};

/**
 * Follows /api/live (Server-Sent Events, `event: span`). Read through fetch rather than EventSource so the
 * read key travels in a header, never in a URL. Reconnects after a drop; returns a function that stops it.
 */
export function followLive(onSpan: (span: Span) => void, onState: (connected: boolean) => void): () => void {
  const controller = new AbortController();
  let stopped = false;

  const run = async () => {
    while (!stopped) {
      try {
        const response = await fetch("/api/live", {
          headers: { Accept: "text/event-stream", ...authHeaders() },
          signal: controller.signal,
        });
        if (!response.ok || !response.body) throw new ApiError(response.status, "live feed refused");
        onState(true);
        await readEvents(response.body as ReadableStream<BufferSource>, (event, data) => {
          if (event !== "span") return;
          try {
            onSpan(JSON.parse(data) as Span);
          } catch {
            // one malformed event must not end the feed
          }
        });
      } catch {
        if (stopped) return;
      }
      onState(false);
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  };
  void run();
  return () => {
    stopped = true;
    controller.abort();
  };
}

async function readEvents(body: ReadableStream<BufferSource>, onEvent: (event: string, data: string) => void): Promise<void> {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  let event = "message";
  let data: string[] = [];
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let newline: number;
    while ((newline = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, newline).replace(/\r$/, "");
      buffer = buffer.slice(newline + 1);
      if (line === "") {
        if (data.length > 0) onEvent(event, data.join("\n"));
        event = "message";
        data = [];
      } else if (line.startsWith("event:")) {
        event = line.slice(6).trim();
      } else if (line.startsWith("data:")) {
        data.push(line.slice(5).replace(/^ /, ""));
      }
    }
  }
}
