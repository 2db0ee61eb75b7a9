// The JSON shapes of the collector's query API (docs/collector.md, "Query API").

/** One captured value: a parameter (INPUT) or the result (OUTPUT). */
export interface SpanData {
  name: string;
  type: string;
  value: string | null;
}

/** A stored span as /api/spans, /api/traces/{id} and /api/live return it. */
export interface Span {
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  process: string;
  process_group?: string | null;
  start: string;
  ts?: string;
  duration_ms: number | null;
  status: string;
  exception: string | null;
  thread_id?: number | null;
  service?: string | null;
  data?: SpanData[] | null;
}

export interface SourceLocation {
  file?: string | null;
  line?: number | null;
  signature?: string | null;
}

export interface LogEntry {
  ts?: string;
  timestamp?: string;
  level?: string | null;
  logger?: string | null;
  message?: string | null;
  exception?: string | null;
}

/** /api/spans/{id}: the span, its logs and the method's source location. */
export interface SpanDetail extends Span {
  logs?: LogEntry[] | null;
  source?: SourceLocation | null;
}

export interface SpanPage {
  items: Span[];
  next_cursor: string | null;
}

export interface Trace {
  trace_id: string;
  spans: Span[];
}

export interface StatsBucket {
  t: string;
  count: number;
  errors: number;
  p95_ms: number | null;
}

export interface ProcessStats {
  process: string;
  count: number;
  errors: number;
  error_rate: number;
  p50_ms: number | null;
  p95_ms: number | null;
  p99_ms: number | null;
  buckets?: StatsBucket[] | null;
}

export interface Stats {
  items: ProcessStats[];
}

export interface GraphNode {
  process: string;
  count: number;
  errors: number;
  last_seen: string | null;
}

export interface GraphEdge {
  from: string;
  to: string;
  count: number;
  last_seen: string | null;
}

export interface Graph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export interface Status {
  spans_total: number;
  ingest_per_s: number;
  error_rate_5m: number;
  write_lag_ms: number | null;
  queue_depth: number;
  store_bytes: number;
  oldest: string | null;
  newest: string | null;
}

/** One event of a rule's history (newest first): firing, resolved, failed or recovered. */
export interface AlertHistory {
  at: string;
  evaluation: number;
  event: string;
  value: number | null;
  detail: string | null;
}

/** One rule of GET /api/alerts: state is ok, pending, firing or failed. */
export interface Alert {
  name: string;
  state: string;
  severity: string;
  query: string;
  threshold: number;
  action: string;
  interval_seconds: number;
  last_value: number | null;
  last_evaluation: string | null;
  last_error: string | null;
  action_error: string | null;
  evaluations: number;
  firings: number;
  history: AlertHistory[];
}

export interface Alerts {
  items: Alert[];
  config: string | null;
  loaded_at: string | null;
  reload_error: string | null;
}

/** One session as /api/sessions lists it: its ids and totals. */
export interface SessionSummary {
  session_id: string;
  created_at: string;
  experiment_id: string | null;
  metadata: Record<string, unknown> | null;
  num_timesteps: number;
  num_events: number;
  num_messages: number;
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
  cost_usd: number;
}

export interface SessionPage {
  items: SessionSummary[];
  next_cursor: string | null;
}

export interface SessionTimestep {
  id: string;
  step_id: string;
  step_index: number;
  turn_number: number | null;
  started_at: string;
  completed_at: string | null;
}

export interface SessionEvent {
  id: string;
  timestep_id: string | null;
  event_type: string;
  system_instance_id: string | null;
  event_time: string;
  model_name: string | null;
  provider: string | null;
  input_tokens: number | null;
  output_tokens: number | null;
  total_tokens: number | null;
  cost_usd: number | null;
  latency_ms: number | null;
  trace_id: string | null;
  span_id: string | null;
  metadata: Record<string, unknown> | null;
}

export interface SessionMessage {
  id: string;
  timestep_id: string | null;
  message_type: string;
  content: string;
  event_time: string;
}

/** /api/sessions/{id}: the session's totals, timesteps, events and messages. */
export interface SessionDetail extends SessionSummary {
  timesteps: SessionTimestep[];
  events: SessionEvent[];
  messages: SessionMessage[];
}
