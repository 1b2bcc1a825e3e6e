/**
 * Faults: with the sandbox failing 10% of requests (429 with Retry-After, 500, 503, hung requests,
 * dropped connections, and lost responses to requests it did carry out) and adding latency,
 * applying a 100-workspace estate converges to exactly the desired state: nothing lost, nothing
 * duplicated. Reads and idempotent writes are retried; a create (POST) never is, as meshStack's own
 * clients: a create hit by a fault fails, and the next apply plans it again from what it observes.
 * When the platform stays down, the retry budget holds and the error says so.
 */
import { apply } from '../../controller/apply/apply';
import { HttpApiClient } from '../../controller/client/http-client';
import { DEFAULT_RETRY } from '../../controller/client/retry';
import { planAgainst } from '../../controller/run';
import { meshform, platformEnv } from '../helpers/cli';
import { teamEstate } from '../helpers/desired';
import { desiredKeys, duplicated, liveBindings, liveKeys } from '../helpers/inspect';
import { PARTNER, type SandboxFixture, sandboxFixture } from '../helpers/sandbox';

const stepCount = (p: Awaited<ReturnType<typeof planAgainst>>['plan']) =>
  p.globalSteps.length + p.workspaces.reduce((n, w) => n + w.steps.length, 0);

describe('apply under injected faults', () => {
  let f: SandboxFixture;
  beforeAll(async () => {
    f = await sandboxFixture(['--profile', 'meshstack']);
  });
  afterAll(() => f.sandbox.close());

  test('a 100-workspace estate converges with 10% faults: zero lost, zero duplicated bindings', async () => {
    // GIVEN a platform that fails one request in ten, in every way it can
    const faults = {
      rate: 0.1,
      kinds: ['429', '502', '503', '504', 'timeout', 'drop', 'drop-response'],
      seed: 20261126,
      latencyMs: 2,
      // Retry-After: 0 still sends the header the client must read (it then retries at once rather than
      // after its backoff); a longer one only made the test wait, and no check here depends on the delay.
      retryAfterSeconds: 0,
      timeoutMs: 1500,
    };
    expect((await f.as(PARTNER).ext('PUT', '/faults', faults)).status).toBe(200);
    const desired = teamEstate(100, 'flaky');
    // A hung request is cut by the client after 500 ms of silence and retried: well above a loaded
    // machine's answer time, so no create fails for the machine's slowness. The backoff between
    // retries is the client's injected policy: milliseconds instead of seconds, with the default budget.
    const api = new HttpApiClient({
      endpoint: f.sandbox.url,
      credentials: { kind: 'key', key: PARTNER },
      timeoutMs: 500,
      retry: { ...DEFAULT_RETRY, baseDelayMs: 5, maxDelayMs: 50 },
    });

    // WHEN meshform plans and applies until the plan is empty
    const started = Date.now();
    const rounds: Array<{ steps: number; failed: number }> = [];
    for (let round = 0; round < 8; round++) {
      const { plan } = await planAgainst(api, desired, { endpoint: f.sandbox.url });
      if (stepCount(plan) === 0) break;
      const report = await apply(api, plan, { concurrency: 4 });
      rounds.push({ steps: stepCount(plan), failed: report.counts.failed + report.counts.skipped });
    }
    const seconds = (Date.now() - started) / 1000;
    const injected = (await f.as(PARTNER).ext('GET', '/faults')).data.injected as number;
    await f.as(PARTNER).ext('PUT', '/faults', { rate: 0 });

    // THEN one apply carried everything out, and a fault-free look finds exactly the desired grants
    const clean = new HttpApiClient({ endpoint: f.sandbox.url, credentials: { kind: 'key', key: PARTNER } });
    const { plan: after } = await planAgainst(clean, desired, { endpoint: f.sandbox.url });
    expect(stepCount(after)).toBe(0);
    const live = liveKeys(
      await liveBindings(
        clean,
        desired.workspaces.map((w) => w.metadata.name),
      ),
    );
    expect(duplicated(live)).toEqual([]);
    expect(live).toEqual(desiredKeys(desired));
    // 100 workspaces of 13 steps, and two tag definitions (the estate's costCenter, meshform's ownership tag).
    expect(rounds[0].steps).toBe(1302);
    // Each further apply redoes only what failed (creates hit by a fault) and what their workspace skipped.
    for (let i = 1; i < rounds.length; i++) expect(rounds[i].steps).toBeLessThanOrEqual(rounds[i - 1].failed);
    expect(injected).toBeGreaterThan(100);
    expect(api.stats.retries).toBeGreaterThan(100);
    process.stdout.write(
      `faults: ${injected} faults injected over ${api.stats.total + api.stats.logins} requests (${api.stats.retries} retries, ${api.stats.logins} logins); ` +
        `converged in ${rounds.length} applies (${rounds.map((r) => `${r.steps} steps, ${r.failed} failed or skipped`).join('; ')}), ${seconds.toFixed(1)} s; ${live.length} bindings, 0 lost, 0 duplicated\n`,
    );
  });

  test('when the platform stays down, the retry budget holds and the error says what failed and for how long', async () => {
    // GIVEN a platform that answers every API call with 503
    await f.as(PARTNER).ext('PUT', '/faults', { rate: 1, kinds: ['503'], seed: 1 });
    try {
      // WHEN meshform plans with a 2-second retry budget
      const run = await meshform(['plan', '--manifest', 'test/fixtures/valid-minimal/meshform.json'], {
        env: { ...platformEnv(f.sandbox.url, PARTNER), MESHFORM_RETRY_BUDGET: '2s' },
      });
      // THEN it gives up (the platform never recovers, so ending is the budget's doing), exit 1, with a clear message
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(
        /^Error: POST \/api\/login failed: 503 injected fault 503 \(gave up after \d+ attempts in \d+\.\d s; the platform may be down or overloaded; MESHFORM_RETRY_BUDGET sets how long to retry\)\n$/,
      );
    } finally {
      await f.as(PARTNER).ext('PUT', '/faults', { rate: 0 });
    }
  });
});
