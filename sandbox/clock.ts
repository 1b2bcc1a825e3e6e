/**
 * The sandbox clock: real time plus an offset that tests and the demo advance through an extension
 * endpoint, so expiry can be shown without waiting. The offset is persisted with the data.
 */
export class SandboxClock {
  constructor(private offsetMs = 0) {}

  public now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  public get offset(): number {
    return this.offsetMs;
  }

  public advance(ms: number): void {
    this.offsetMs += ms;
  }

  public set(to: Date): void {
    this.offsetMs = to.getTime() - Date.now();
  }
}

/** `90s`, `15m`, `2h`, `3d` or plain seconds → milliseconds; undefined when not a duration. */
export function parseDuration(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value * 1000 : undefined;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(value.trim());
  if (!m) return undefined;
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h' | 'd'];
  return Number(m[1]) * unit;
}
