/**
 * Grants that wait for 4-eyes approval on the strict `meshstack` profile, where (as on meshStack)
 * pending requests cannot be read through the API: a reconcile loop must not file a new request on
 * every pass, and a renewal must not remove the old binding while the new one is not there.
 */
import { apply } from '../../controller/apply/apply';
import { HttpApiClient } from '../../controller/client/http-client';
import { runReconcileLoop } from '../../controller/reconcile';
import { planAgainst } from '../../controller/run';
import { MANAGER, MEMBER, OWNER, binding, desired, user, workspace } from '../helpers/desired';
import { PARTNER, type SandboxFixture, sandboxFixture } from '../helpers/sandbox';

let f: SandboxFixture;
beforeAll(async () => {
  f = await sandboxFixture(['--profile', 'meshstack']);
});
afterAll(() => f.sandbox.close());

const client = (key: string) => new HttpApiClient({ endpoint: f.sandbox.url, credentials: { kind: 'key', key } });
const setFourEyes = (enabled: boolean) =>
  f.as(PARTNER).ext('PUT', '/settings', { fourEyes: { enabled, minApprovalCount: 2 } });
const pending = async (ws: string) =>
  (await f.as(PARTNER).ext('GET', `/role-requests?workspaceIdentifier=${ws}&status=PENDING`)).data
    .roleRequests as Array<{
    subject: { name: string };
    role: string;
  }>;

async function converge(state: ReturnType<typeof desired>, key = PARTNER) {
  const api = client(key);
  const { plan } = await planAgainst(api, state, { endpoint: f.sandbox.url });
  expect(plan.refusals).toEqual([]);
  const report = await apply(api, plan);
  expect(report.results.filter((r) => r.status === 'failed')).toEqual([]);
}

test('a reconcile loop of ten passes with 4-eyes on leaves exactly one pending request', async () => {
  const base = [binding(OWNER, user('alice')), binding(MANAGER, user('bob'))];
  await converge(desired([workspace('rl-ws', base)]));
  await setFourEyes(true);
  try {
    const state = desired([workspace('rl-ws', [...base, binding(MEMBER, user('carol'))])]);
    const api = client('bob');
    const outcomes: string[] = [];
    const passes = await runReconcileLoop({
      intervalMs: 1,
      maxBackoffMs: 1,
      pass: async () => {
        const { plan } = await planAgainst(api, state, { endpoint: f.sandbox.url });
        const report = await apply(api, plan);
        outcomes.push(...report.results.map((r) => r.status));
        return 'ok';
      },
      sleep: async () => undefined,
      stopped: () => outcomes.length >= 10,
      onError: (e) => {
        throw e;
      },
      fatal: () => true,
    });
    expect(passes).toBe(10);
    // Every pass asks again (the request cannot be seen), and the platform answers with the same one.
    expect(outcomes).toEqual(Array(10).fill('pending-approval'));
    expect(await pending('rl-ws')).toEqual([
      expect.objectContaining({ subject: expect.objectContaining({ name: 'carol' }), role: MEMBER }),
    ]);
  } finally {
    await setFourEyes(false);
  }
});

test('a renewal that turns out to wait for approval keeps the old binding', async () => {
  const base = [binding(OWNER, user('alice')), binding(MANAGER, user('bob'))];
  await converge(
    desired([workspace('rn-ws', [...base, binding(MEMBER, user('carol'), { expiryDate: '2099-01-01' })])]),
  );
  // Planned while 4-eyes is off: the renewal is planned as taking effect at once.
  const renewed = desired([
    workspace('rn-ws', [...base, binding(MEMBER, user('carol'), { expiryDate: '2099-06-01' })]),
  ]);
  const { plan } = await planAgainst(client('bob'), renewed, { endpoint: f.sandbox.url });
  expect(plan.workspaces[0].steps.map((s) => `${s.action}:${s.reason}`)).toEqual([
    'create:replaced',
    'delete:replaced',
  ]);
  // Then 4-eyes is switched on before apply: the platform holds the grant.
  await setFourEyes(true);
  try {
    const report = await apply(client('bob'), plan);
    expect(report.results.map((r) => r.status)).toEqual(['pending-approval', 'skipped']);
    expect(report.results[1].error?.code).toBe('replacement-not-live');
    const carol = (await f.as(PARTNER).workspaceBindings('rn-ws')).filter((b) => b.subject === 'carol');
    expect(carol.map((b) => b.expiryDate)).toEqual(['2099-01-01']);
  } finally {
    await setFourEyes(false);
  }
});
