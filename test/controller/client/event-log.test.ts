/**
 * meshStack's event log (GET /api/meshobjects/mesheventlogs) on the strict `meshstack` profile, where
 * the sandbox's history extension is out of the client's reach: the plan tells a binding that expired
 * (recertification due) from one someone removed, neither is re-granted silently; a lost ownership tag
 * is traced to whoever removed it; bindings meshform did not create on an authoritative workspace are
 * named; `meshform history` reads the log.
 */
import { HttpApiClient } from '../../../controller/client/http-client';
import { apply } from '../../../controller/apply/apply';
import { planAgainst } from '../../../controller/run';
import type { DesiredState } from '../../../schemas/desired-state.generated';
import { meshform, platformEnv } from '../../helpers/cli';
import { MANAGER, MEMBER, OWNER, binding, desired, user, workspace } from '../../helpers/desired';
import { PARTNER, type SandboxFixture, sandboxFixture } from '../../helpers/sandbox';

const FAST_RETRY = { budgetMs: 10_000, baseDelayMs: 10, maxDelayMs: 100 };

describe('the event log on the strict meshstack profile', () => {
  let f: SandboxFixture;
  beforeAll(async () => {
    f = await sandboxFixture(['--profile', 'meshstack']);
  });
  afterAll(() => f.sandbox.close());

  const client = () =>
    new HttpApiClient({ endpoint: f.sandbox.url, credentials: { kind: 'key', key: PARTNER }, retry: FAST_RETRY });
  const planOf = async (state: DesiredState) => (await planAgainst(client(), state, { endpoint: f.sandbox.url })).plan;
  async function converge(state: DesiredState) {
    const p = await planOf(state);
    expect(p.refusals).toEqual([]);
    const report = await apply(client(), p);
    expect(report.results.filter((r) => r.status === 'failed')).toEqual([]);
  }
  const findings = (p: Awaited<ReturnType<typeof planOf>>) => [
    ...p.refusals,
    ...p.warnings,
    ...p.workspaces.flatMap((w) => w.notes),
  ];
  const grantsTo = (p: Awaited<ReturnType<typeof planOf>>, subject: string) =>
    p.workspaces
      .flatMap((w) => w.steps)
      .filter((s) => s.action === 'create' && 'grant' in s && s.grant.subject.name === subject);

  test('the client reads the log oldest first: who did what, to whom', async () => {
    await converge(desired([workspace('el-read', [binding(OWNER, user('alice')), binding(MEMBER, user('carol'))])]));
    const entries = await client().eventLog.list({ workspace: 'el-read' });
    expect(entries.map((e) => e.title)).toEqual([
      'Workspace Created',
      'Workspace User Role Added',
      'Workspace User Role Added',
    ]);
    expect(entries.find((e) => e.content.username === 'carol')).toMatchObject({
      eventType: 'Added',
      workspace: 'el-read',
      content: { username: 'carol', role: MEMBER },
      author: { type: 'User', username: 'partner.admin' },
    });
    expect([...entries].sort((a, b) => a.at.localeCompare(b.at))).toEqual(entries);
  });

  test('a binding removed by someone is granted again with a warning that names who removed it', async () => {
    const state = desired([workspace('el-hand', [binding(OWNER, user('alice')), binding(MEMBER, user('carol'))])]);
    await converge(state);
    const carol = (await f.as(PARTNER).workspaceBindings('el-hand')).find((b) => b.subject === 'carol')!;
    expect(
      (await f.as(PARTNER).mesh('wsUserBinding', 'DELETE', `/meshworkspacebindings/userbindings/${carol.name}`)).status,
    ).toBe(204);
    const p = await planOf(state);
    expect(grantsTo(p, 'carol')).toHaveLength(1);
    expect(findings(p)).toContainEqual(
      expect.objectContaining({
        rule: 'removed-on-platform',
        params: expect.objectContaining({ role: MEMBER, by: 'partner.admin' }),
      }),
    );
  });

  test('bindings meshform did not create on an authoritative workspace are named before the plan removes them', async () => {
    const state = desired([workspace('el-foreign', [binding(OWNER, user('alice'))])]);
    await converge(state);
    // As terraform-provider-meshstack names them: by its user.
    expect((await f.as(PARTNER).grant('el-foreign', 'dave', MEMBER, { name: 'tf-dave-member' })).status).toBe(201);
    const p = await planOf(state);
    expect(findings(p)).toContainEqual(
      expect.objectContaining({
        rule: 'foreign-bindings',
        params: expect.objectContaining({ names: ['tf-dave-member'] }),
      }),
    );
  });

  test('an owned workspace whose ownership tag was removed: the plan says who removed it', async () => {
    const state = desired([workspace('el-tag', [binding(OWNER, user('alice'))])]);
    await converge(state);
    // What terraform-provider-meshstack's update does: exactly its declared tags, none here.
    const live = (await f.as(PARTNER).mesh('workspace', 'GET', '/meshworkspaces/el-tag')).data;
    const put = await f.as(PARTNER).mesh('workspace', 'PUT', '/meshworkspaces/el-tag', {
      apiVersion: 'v2',
      kind: 'meshWorkspace',
      metadata: { name: 'el-tag', tags: {} },
      spec: live.spec,
    });
    expect(put.status).toBe(200);
    const p = await planOf(state);
    expect(p.refusals.map((r) => r.rule)).toEqual(['workspace-unowned']);
    expect(findings(p)).toContainEqual(
      expect.objectContaining({
        rule: 'ownership-tag-removed',
        params: expect.objectContaining({ workspace: 'el-tag', by: 'partner.admin', stack: state.metadata.name }),
      }),
    );
  });

  test('meshform history reads the event log', async () => {
    await converge(desired([workspace('el-history', [binding(OWNER, user('alice')), binding(MANAGER, user('bob'))])]));
    const run = await meshform(['history', 'el-history'], { env: platformEnv(f.sandbox.url, PARTNER) });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/ partner\.admin +Workspace User Role Added: user bob, Workspace Manager\n/);
    const json = JSON.parse(
      (await meshform(['history', 'el-history', '--format', 'json'], { env: platformEnv(f.sandbox.url, PARTNER) }))
        .stdout,
    ) as Array<{ title: string }>;
    expect(json[0].title).toBe('Workspace Created');
  });

  // Last: it moves the platform's clock by more than a month.
  test('a binding the platform expired (recertification) is not granted again: recertification is due', async () => {
    await f.as(PARTNER).ext('PUT', '/settings', { recertification: { [MEMBER]: 30 } });
    const state = desired([workspace('el-recert', [binding(OWNER, user('alice')), binding(MEMBER, user('carol'))])]);
    await converge(state);
    expect(
      (await f.as(PARTNER).workspaceBindings('el-recert')).find((b) => b.subject === 'carol')?.expiryDate,
    ).toBeDefined();
    await f.as(PARTNER).ext('POST', '/clock', { advance: '32d' });
    const p = await planOf(state);
    expect(grantsTo(p, 'carol')).toEqual([]);
    expect(findings(p)).toContainEqual(
      expect.objectContaining({ rule: 'recertification-due', params: expect.objectContaining({ role: MEMBER }) }),
    );
  });
});
