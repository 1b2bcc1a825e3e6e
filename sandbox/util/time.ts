/**
 * Dates and durations as the sandbox (standing in for meshStack) reads them. Written here, not
 * shared with meshform's client: the sandbox is the reference the client is checked against.
 */
const DAY_MS = 86_400_000;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** When a binding with this expiry stops being valid: the end of the day (UTC), or the instant of a date-time. */
export function expiryEnd(value: string): Date | undefined {
  const m = DAY.exec(value);
  if (m) {
    const start = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
    if (new Date(start).toISOString().slice(0, 10) !== value) return undefined;
    return new Date(start + DAY_MS);
  }
  if (!value.includes('T')) return undefined;
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : new Date(t);
}

/** The moment a value names (the day's start for a day): what a recertification cap compares. */
function expiryStart(value: string): Date | undefined {
  const end = expiryEnd(value);
  if (!end) return undefined;
  return DAY.test(value) ? new Date(end.getTime() - DAY_MS) : end;
}

export function hasExpired(value: string, now: Date): boolean {
  const end = expiryEnd(value);
  return end !== undefined && now.getTime() >= end.getTime();
}

/** The latest expiry day a recertification period allows, and the default meshStack assigns: today + period. */
export function latestExpiryDay(now: Date, days: number): string {
  return new Date(now.getTime() + days * DAY_MS).toISOString().slice(0, 10);
}

export function beyondRecertification(value: string, now: Date, days: number): boolean {
  const start = expiryStart(value);
  return start !== undefined && start.getTime() > now.getTime() + days * DAY_MS;
}

/** `90m`, `2h`, `3d`, `250ms`, `30s` or plain seconds → milliseconds; undefined when not a duration. */
export function durationMs(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value * 1000 : undefined;
  const m = /^(\d{1,12}(?:\.\d{1,6})?)(ms|s|m|h|d)?$/.exec(value.trim());
  if (!m) return undefined;
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: DAY_MS }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h' | 'd'];
  return Number(m[1]) * unit;
}
