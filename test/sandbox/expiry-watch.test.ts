import { ExpiryWatch } from '../../sandbox/domain/expiry';

const at = (iso: string) => new Date(iso);
const T = (iso: string) => Date.parse(iso);

describe('ExpiryWatch (when a request must sweep expired bindings)', () => {
  test('an unknown watermark is due; after a sweep only the next expiry is', async () => {
    // GIVEN
    const watch = new ExpiryWatch();
    const sweep = jest.fn(async () => T('2026-12-02T00:00:00Z'));
    // WHEN / THEN
    expect(watch.due(at('2026-11-30T00:00:00Z'))).toBe(true);
    await watch.sweepIfDue(at('2026-11-30T00:00:00Z'), sweep);
    expect(sweep).toHaveBeenCalledTimes(1);
    expect(watch.due(at('2026-12-01T23:59:59Z'))).toBe(false);
    expect(watch.due(at('2026-12-02T00:00:00Z'))).toBe(true);
  });

  test('a noted expiry lowers the watermark (a day is valid through its end)', async () => {
    const watch = new ExpiryWatch();
    await watch.sweepIfDue(at('2026-11-30T00:00:00Z'), async () => Infinity);
    watch.note('2026-12-01');
    expect(watch.due(at('2026-12-01T23:00:00Z'))).toBe(false);
    expect(watch.due(at('2026-12-02T00:00:00Z'))).toBe(true);
    watch.note('2026-11-30T10:00:00Z');
    expect(watch.due(at('2026-11-30T10:00:00Z'))).toBe(true);
  });

  test('an expiry noted while a sweep runs is kept when the sweep settles', async () => {
    const watch = new ExpiryWatch();
    let finish!: (next: number) => void;
    const running = watch.sweepIfDue(at('2026-11-30T00:00:00Z'), () => new Promise<number>((r) => (finish = r)));
    // A grant commits an expiry the sweep's transaction did not see.
    watch.note('2026-12-01');
    finish(Infinity);
    await running;
    expect(watch.due(at('2026-12-02T00:00:00Z'))).toBe(true);
  });

  test('concurrent requests share one sweep', async () => {
    const watch = new ExpiryWatch();
    let finish!: (next: number) => void;
    const sweep = jest.fn(() => new Promise<number>((r) => (finish = r)));
    const a = watch.sweepIfDue(at('2026-11-30T00:00:00Z'), sweep);
    const b = watch.sweepIfDue(at('2026-11-30T00:00:00Z'), sweep);
    finish(Infinity);
    await Promise.all([a, b]);
    expect(sweep).toHaveBeenCalledTimes(1);
  });

  test('a failed sweep leaves the watermark due and reports the error', async () => {
    const watch = new ExpiryWatch();
    await expect(
      watch.sweepIfDue(at('2026-11-30T00:00:00Z'), async () => Promise.reject(new Error('boom'))),
    ).rejects.toThrow('boom');
    expect(watch.due(at('2026-11-30T00:00:00Z'))).toBe(true);
  });
});
