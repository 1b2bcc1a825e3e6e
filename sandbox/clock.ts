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

  public set(to: Date): void {
    this.offsetMs = to.getTime() - Date.now();
  }
}
