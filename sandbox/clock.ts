/**
 * The sandbox clock: real time plus an offset that tests and the demo advance through an extension
 * endpoint, so expiry can be shown without waiting. The offset is persisted with the data.
 */
export class SandboxClock {
  constructor(private offsetMs = 0) {}

  public now(realNow: number = Date.now()): Date {
    return new Date(realNow + this.offsetMs);
  }

  public get offset(): number {
    return this.offsetMs;
  }

  /** `realNow`: the real time `to` was worked out at (an advance is then exact, however long the request takes). */
  public set(to: Date, realNow: number = Date.now()): void {
    this.offsetMs = to.getTime() - realNow;
  }
}
