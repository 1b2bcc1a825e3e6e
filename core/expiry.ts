/**
 * Expiry dates. meshStack's `expiryDate` is a day (YYYY-MM-DD): the binding is valid through that day
 * (UTC) and removed after it. meshform also accepts an RFC 3339 date-time for finer emergency access;
 * it enforces that instant itself and sends the API the day.
 */
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
export const DAY_MS = 86_400_000;

export interface ParsedExpiry {
  /** The moment the binding stops being valid. */
  readonly endsAt: Date;
  /** The nominal moment named by the value (a day's start, or the date-time itself); caps compare this. */
  readonly nominal: Date;
  /** The value meshStack's API takes: YYYY-MM-DD. */
  readonly apiDate: string;
}

/** Parses an expiry; `undefined` when the value is not a real calendar date or date-time. */
export function parseExpiry(value: string): ParsedExpiry | undefined {
  const m = DATE_ONLY.exec(value);
  if (m) {
    const start = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
    if (start.toISOString().slice(0, 10) !== value) return undefined; // e.g. 2026-02-30
    return { endsAt: new Date(start.getTime() + DAY_MS), nominal: start, apiDate: value };
  }
  const t = Date.parse(value);
  if (Number.isNaN(t) || !/T/.test(value)) return undefined;
  const at = new Date(t);
  return { endsAt: at, nominal: at, apiDate: at.toISOString().slice(0, 10) };
}

export function isExpired(value: string, now: Date): boolean {
  const p = parseExpiry(value);
  return p !== undefined && now.getTime() >= p.endsAt.getTime();
}
