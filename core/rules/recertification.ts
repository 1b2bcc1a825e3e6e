/**
 * Role recertification: a maximum duration per workspace role makes an expiry mandatory and caps it;
 * a binding created through the API without one gets today + the maximum; a date in the past is refused.
 */
import { DAY_MS, isExpired, parseExpiry } from '../expiry';

/** The latest expiry a maximum duration allows from `now`. */
function latestExpiry(now: Date, maxDurationDays: number): Date {
  return new Date(now.getTime() + maxDurationDays * DAY_MS);
}

/** The API day meshStack assigns when a binding is created without expiry under recertification. */
export function assignedExpiryDate(now: Date, maxDurationDays: number): string {
  return latestExpiry(now, maxDurationDays).toISOString().slice(0, 10);
}

export function exceedsMaximum(expiry: string, now: Date, maxDurationDays: number): boolean {
  const p = parseExpiry(expiry);
  return p !== undefined && p.nominal.getTime() > latestExpiry(now, maxDurationDays).getTime();
}

/** What the platform answers to an expiry for a role: 'ok', or why it refuses it. */
export function expiryVerdict(
  expiry: string | undefined,
  now: Date,
  maxDurationDays: number | undefined,
): 'ok' | 'invalid' | 'past' | 'beyond-maximum' {
  if (expiry === undefined) return 'ok';
  if (!parseExpiry(expiry)) return 'invalid';
  if (isExpired(expiry, now)) return 'past';
  if (maxDurationDays !== undefined && exceedsMaximum(expiry, now, maxDurationDays)) return 'beyond-maximum';
  return 'ok';
}
