// Formatting of times, durations and rates for display.

/** Milliseconds since the epoch, with microseconds, from an ISO 8601 or store timestamp ("2026-12-01 17:52:25.123456"). */
export function parseTime(text: string | null | undefined): number {
  if (!text) return Number.NaN;
  const match = /^(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:\.(\d+))?(Z|[+-]\d\d:?\d\d)?$/.exec(text.trim());
  if (!match) return Date.parse(text);
  const [, y, mo, d, hh, mm, ss, fraction, zone] = match;
  let ms = Date.UTC(+y, +mo - 1, +d, +hh, +mm, +ss);
  if (fraction) ms += Number(`0.${fraction}`) * 1000;
  if (zone && zone !== "Z") {
    const sign = zone[0] === "-" ? -1 : 1;
    const digits = zone.slice(1).replace(":", "");
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  return ms;
}

/** "2026-12-01 17:52:25.123" in UTC, the store's own clock. */
export function formatTime(text: string | null | undefined): string {
  const ms = parseTime(text);
  if (Number.isNaN(ms)) return text ?? "";
  return new Date(ms).toISOString().replace("T", " ").replace("Z", "");
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return "–";
  if (ms < 1) return `${(ms * 1000).toFixed(0)} µs`;
  if (ms < 1000) return `${ms < 10 ? ms.toFixed(2) : ms.toFixed(1)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

export function formatPercent(rate: number | null | undefined): string {
  if (rate === null || rate === undefined || Number.isNaN(rate)) return "–";
  const percent = rate * 100;
  return `${percent < 10 && percent > 0 ? percent.toFixed(1) : percent.toFixed(0)}%`;
}

export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined || Number.isNaN(n)) return "–";
  return n.toLocaleString("en-US");
}

export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || Number.isNaN(n)) return "–";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

/** "3 s ago", "5 min ago": how old a timestamp is. */
export function formatAge(text: string | null | undefined, now = Date.now()): string {
  const ms = parseTime(text);
  if (Number.isNaN(ms)) return "never";
  const seconds = Math.max(0, Math.round((now - ms) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86_400)} d ago`;
}

/** The method name alone: "Shop.PricingService.PriceOrder" → "PricingService.PriceOrder". */
export function shortProcess(process: string): string {
  const parts = process.split(".");
  return parts.length <= 2 ? process : parts.slice(-2).join(".");
}
