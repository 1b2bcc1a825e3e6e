/**
 * The CLI against a sandbox: every exit code (0 success, 1 error, 2 changes, 3 refused, 4 waiting
 * for approval), saved plans, and the requests commands with a reviewer's own key.
 */
import * as fs from 'fs';
import * as path from 'path';
import { canonicalJson } from '../../../core/canonical-json';
import { loadPlan, savePlan } from '../../../controller/plan/plan-file';
import type { DesiredState } from '../../../schemas/desired-state.generated';
import { MANAGER, MEMBER, OWNER, binding, desired, project, user, workspace } from '../../helpers/desired';
import { meshform, platformEnv } from '../../helpers/cli';
import { ownedBy } from '../../helpers/ownership';
import { PARTNER, type SandboxFixture, sandboxFixture } from '../../helpers/sandbox';
import { scratchDir } from '../../helpers/scratch';

let f: SandboxFixture;
let dir: string;
beforeAll(async () => {
  f = await sandboxFixture();
  dir = scratchDir('cli');
});
afterAll(() => f.sandbox.close());

function write(name: string, state: DesiredState): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, canonicalJson(state));
  return file;
}

const as = (key: string) => platformEnv(f.sandbox.url, key);
const run = (args: string[], key = PARTNER) => meshform(args, { cwd: dir, env: as(key) });

const team = (extra: Parameters<typeof binding>[] = []) =>
  desired([
    workspace('cli-team', [
      binding(OWNER, user('alice')),
      binding(MANAGER, user('bob')),
      binding(MANAGER, user('dave')),
      ...extra.map((a) => binding(...a)),
    ]),
  ]);

describe('meshform plan / apply / requests', () => {
  test('plan --detailed-exitcode exits 2 with changes; apply exits 0; then plan exits 0 with "No changes"', async () => {
    const manifest = write('team.json', team());
    const planned = await run(['plan', '--manifest', manifest, '--detailed-exitcode']);
    expect(planned.code).toBe(2);
    // The first plan on a platform also creates the tag definition that records which stack owns a workspace.
    expect(planned.stdout).toMatch(/\+ create tag definition meshWorkspace\.meshformStack/);
    expect(planned.stdout).toMatch(/\+ create workspace cli-team "cli-team"\n {6}tag meshformStack: test\n/);
    expect(planned.stdout).toMatch(/Plan: 5 to add, 0 to change, 0 to remove, 0 expired\./);
    const applied = await run(['apply', '--manifest', manifest, '--auto-approve']);
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    expect(applied.stdout).toMatch(/Apply: 5 applied, 0 waiting for a second approval, 0 failed, 0 skipped\./);
    const again = await run(['plan', '--manifest', manifest, '--detailed-exitcode']);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/No changes\. The platform matches the code\./);
  });

  test('a plan that breaks the owner limit exits 3 with the reason; apply refuses too and changes nothing', async () => {
    const manifest = write(
      'three-owners.json',
      team([
        [OWNER, user('carol')],
        [OWNER, user('erin')],
      ]),
    );
    // The manifest itself is refused before any call: three owners in code is invalid input.
    const plan = await run(['plan', '--manifest', manifest]);
    expect(plan.code).toBe(1);
    expect(plan.stderr).toMatch(/declares 3 Workspace Owners.*\(rule: owner-limit\)/);
    // Two more in code (within the limit) but the live workspace keeps its Owner: refused by the plan.
    const live = write(
      'swap.json',
      desired([
        workspace('cli-team', [
          binding(OWNER, user('carol')),
          binding(OWNER, user('erin')),
          binding(MANAGER, user('bob')),
          binding(MANAGER, user('dave')),
        ]),
      ]),
    );
    const refused = await run(['plan', '--manifest', live], 'alice');
    expect(refused.code).toBe(3);
    expect(refused.stdout).toMatch(/Refused: the plan breaks platform rules/);
    const applied = await run(['apply', '--manifest', live, '--auto-approve'], 'alice');
    expect(applied.code).toBe(3);
    expect(applied.stdout).not.toMatch(/Apply:/);
  });

  test('with 4-eyes, a manager’s grant waits: apply exits 4; the requester cannot approve; another manager can', async () => {
    await f.as(PARTNER).ext('PUT', '/settings', { fourEyes: { enabled: true, minApprovalCount: 2 } });
    try {
      const reason = 'JIRA-42: on call this week';
      const manifest = write('grant.json', team([[MEMBER, user('carol'), { expiryDate: '2099-06-30', reason }]]));
      const applied = await run(['apply', '--manifest', manifest, '--auto-approve'], 'bob');
      expect(applied.code).toBe(4);
      expect(applied.stdout).toMatch(
        /grant user carol: Workspace Member until 2099-06-30 \(JIRA-42: on call this week\) {2}\[needs a second approval: alice, dave, a partner\]/,
      );
      expect(applied.stdout).toMatch(
        /… grant user carol: Workspace Member until 2099-06-30 .* \(waiting for a second approval, request [\w-]+\)/,
      );
      const listed = await run(['requests', 'list', '--format', 'json'], 'dave');
      const [request] = JSON.parse(listed.stdout);
      // The approver sees why: the reason the code gave, and when the access ends.
      expect(request).toMatchObject({ status: 'PENDING', subject: 'carol', role: MEMBER, requestedBy: 'bob', reason });
      expect((await run(['requests', 'list'], 'dave')).stdout).toMatch(
        /user carol → Workspace Member until 2099-06-30 {2}\(requested by bob: "JIRA-42: on call this week"; approvals: bob\)/,
      );
      const own = await run(['requests', 'approve', request.id], 'bob');
      expect(own.code).toBe(1);
      expect(own.stderr).toMatch(/the requester cannot approve their own role request/);
      const approved = await run(['requests', 'approve', request.id], 'dave');
      expect(approved.code).toBe(0);
      expect(approved.stdout).toMatch(/APPROVED +cli-team {2}user carol → Workspace Member until 2099-06-30/);
      expect((await run(['plan', '--manifest', manifest, '--detailed-exitcode'], 'bob')).code).toBe(0);
    } finally {
      await f.as(PARTNER).ext('PUT', '/settings', { fourEyes: { enabled: false, minApprovalCount: 2 } });
    }
  });

  test('a saved plan applies; the same plan again is refused as stale', async () => {
    const manifest = write(
      'saved.json',
      team([
        [MEMBER, user('carol')],
        [MEMBER, user('erin')],
      ]),
    );
    const planFile = path.join(dir, 'plan.json');
    expect((await run(['plan', '--manifest', manifest, '--out', planFile])).code).toBe(0);
    const saved = JSON.parse(fs.readFileSync(planFile, 'utf8'));
    expect(saved).toMatchObject({ apiVersion: 'meshform.io/v2', kind: 'Plan', platform: { endpoint: f.sandbox.url } });
    expect((await run(['apply', planFile, '--manifest', manifest])).code).toBe(0);
    // Applied: planning again gives no steps, so the saved plan is not what the platform needs now.
    const stale = await run(['apply', planFile, '--manifest', manifest]);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toMatch(
      /the saved plan is stale: the code and the platform give another plan now \(workspaces: cli-team\):\n {2}in the saved plan, not planned now: grant user (carol|erin): Workspace Member\n[\s\S]*Run `meshform plan` again/,
    );
  });

  test('a forged plan (steps appended, checksum rewritten with meshform’s own writer) is refused and changes nothing; so is a saved plan of other code', async () => {
    const manifest = write(
      'forge.json',
      desired([workspace('cli-forge', [binding(OWNER, user('alice')), binding(OWNER, user('dave'))])]),
    );
    expect((await run(['apply', '--manifest', manifest, '--auto-approve'])).code).toBe(0);
    const next = write(
      'forge-next.json',
      desired([
        workspace('cli-forge', [
          binding(OWNER, user('alice')),
          binding(OWNER, user('dave')),
          binding(MEMBER, user('erin')),
        ]),
      ]),
    );
    const planFile = path.join(dir, 'forge-plan.json');
    expect((await run(['plan', '--manifest', next, '--out', planFile])).code).toBe(0);
    const owners = (
      await f
        .as(PARTNER)
        .mesh('wsUserBinding', 'GET', '/meshworkspacebindings/userbindings?workspaceIdentifier=cli-forge')
    ).data._embedded.meshWorkspaceUserBindings.filter((b: { roleRef: { name: string } }) => b.roleRef.name === OWNER);
    const plan = loadPlan(planFile);
    plan.workspaces[0].steps.push(
      ...owners.map((b: { metadata: { name: string }; subject: { name: string } }) => ({
        id: `cli-forge:workspace-binding:${b.metadata.name}:delete`,
        kind: 'workspace-binding' as const,
        action: 'delete' as const,
        workspace: 'cli-forge',
        reason: 'drift' as const,
        binding: { name: b.metadata.name, subjectKind: 'User' as const, subject: b.subject.name, role: OWNER },
      })),
    );
    savePlan(planFile, plan);
    const forged = await run(['apply', planFile, '--manifest', next]);
    expect(forged.code).toBe(1);
    expect(forged.stderr).toMatch(/in the saved plan, not planned now: remove user alice: Workspace Owner/);
    expect(
      (
        await f
          .as(PARTNER)
          .mesh('wsUserBinding', 'GET', '/meshworkspacebindings/userbindings?workspaceIdentifier=cli-forge')
      ).data._embedded.meshWorkspaceUserBindings,
    ).toHaveLength(2);
    const other = await run(['apply', planFile, '--manifest', manifest]);
    expect(other.stderr).toMatch(/the saved plan was made from another manifest/);
  });

  test('merge after a change in meshPanel: the reviewed plan is not applied, and the member added meanwhile is not removed', async () => {
    const manifest = write('merge.json', desired([workspace('cli-merge', [binding(OWNER, user('alice'))])]));
    expect((await run(['apply', '--manifest', manifest, '--auto-approve'])).code).toBe(0);
    const next = write(
      'merge-next.json',
      desired([workspace('cli-merge', [binding(OWNER, user('alice')), binding(MEMBER, user('carol'))])]),
    );
    const reviewed = path.join(dir, 'merge-plan.json');
    expect((await run(['plan', '--manifest', next, '--out', reviewed])).code).toBe(0);
    // After the review, someone adds erin in meshPanel.
    await f.as('alice').grant('cli-merge', 'erin', MEMBER);
    const merged = await run(['apply', reviewed, '--manifest', next]);
    expect(merged.code).toBe(1);
    expect(merged.stderr).toMatch(
      /planned now, not in the saved plan: remove user erin: Workspace Member \(not in code\)/,
    );
    const members = (
      await f
        .as(PARTNER)
        .mesh('wsUserBinding', 'GET', '/meshworkspacebindings/userbindings?workspaceIdentifier=cli-merge')
    ).data._embedded.meshWorkspaceUserBindings.map((b: { subject: { name: string } }) => b.subject.name);
    expect(members.sort()).toEqual(['alice', 'erin']);
  });

  test('apply --expect-digest applies only the plan a reviewer saw', async () => {
    const manifest = write(
      'digest.json',
      desired([workspace('cli-digest', [binding(OWNER, user('alice')), binding(MEMBER, user('carol'))])]),
    );
    const shown = await run(['plan', '--manifest', manifest]);
    const digest = /Plan digest: (sha256:[0-9a-f]{64})/.exec(shown.stdout)?.[1];
    expect(digest).toBeDefined();
    // Someone adds a binding in meshPanel after the review: the plan now differs, and is not applied.
    // Created in meshPanel meanwhile, as if by this stack (an unowned one would be refused instead).
    await f.as(PARTNER).createWorkspace('cli-digest', { tags: ownedBy() });
    const refused = await run(['apply', '--manifest', manifest, '--auto-approve', '--expect-digest', digest!]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /the plan is not the reviewed one: its digest is sha256:[0-9a-f]{64}, the reviewed plan's is sha256:/,
    );
    expect(refused.stdout).not.toMatch(/Apply:/);
    const now = /Plan digest: (sha256:[0-9a-f]{64})/.exec((await run(['plan', '--manifest', manifest])).stdout)![1];
    expect((await run(['apply', '--manifest', manifest, '--auto-approve', '--expect-digest', now])).code).toBe(0);
  });

  test('apply <plan> reads the manifest where plan read it; --manifest names another; a missing one says where it was', async () => {
    const manifest = write(
      'saved-where.json',
      desired([workspace('cli-saved-where', [binding(OWNER, user('alice'))])]),
    );
    const planFile = path.join(dir, 'saved-where.plan.json');
    expect((await run(['plan', '--manifest', manifest, '--out', planFile])).code).toBe(0);
    expect(JSON.parse(fs.readFileSync(planFile, 'utf8')).manifest.path).toBe(path.relative(dir, manifest));
    // Moved away, the manifest is not found, and the error names the path the plan recorded.
    const moved = `${manifest}.moved`;
    fs.renameSync(manifest, moved);
    const missing = await run(['apply', planFile]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('saved-where.json');
    expect((await run(['apply', planFile, '--manifest', moved])).code).toBe(0);
  });

  test('plan --changed-from looks only at the workspaces whose code changed, and says which it left out', async () => {
    const teams = (extra: Array<ReturnType<typeof binding>>) => [
      workspace('cli-scope-a', [binding(OWNER, user('alice'))]),
      workspace('cli-scope-b', [binding(OWNER, user('alice')), ...extra]),
    ];
    const base = write('scope-base.json', desired(teams([])));
    const manifest = write('scope-new.json', desired(teams([binding(MEMBER, user('carol'))])));
    expect((await run(['apply', '--manifest', base, '--auto-approve'])).code).toBe(0);
    // Drift in the unchanged workspace: a full plan sees it, the scoped one does not look.
    await f.as(PARTNER).grant('cli-scope-a', 'erin', MEMBER);
    const scoped = await run(['plan', '--manifest', manifest, '--changed-from', base, '--format', 'json']);
    expect(scoped.code).toBe(0);
    const p = JSON.parse(scoped.stdout);
    expect(p.workspaces.map((w: { name: string }) => w.name)).toEqual(['cli-scope-b']);
    expect(p.warnings).toContainEqual(
      expect.objectContaining({
        rule: 'not-planned',
        params: expect.objectContaining({ count: 1, names: ['cli-scope-a'] }),
      }),
    );
    const text = await run(['plan', '--manifest', manifest, '--changed-from', base]);
    expect(text.stdout).toMatch(
      /1 workspace\(s\) unchanged since .*scope-base.json and with nothing expiring were not looked at \(--changed-from\): cli-scope-a/,
    );
    expect(text.stdout).not.toMatch(/remove user erin/);
    expect((await run(['plan', '--manifest', manifest])).stdout).toMatch(/remove user erin/);
  });

  test('a damaged plan file names the path and rule', async () => {
    const planFile = path.join(dir, 'bad-plan.json');
    fs.writeFileSync(planFile, JSON.stringify({ apiVersion: 'meshform.io/v1', kind: 'Plan', workspaces: 'x' }));
    const res = await run(['apply', planFile]);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(
      /bad-plan.json is not a valid meshform plan.*\n.*\$\.workspaces: must be array, got "x" \(rule: schema:type\)/s,
    );
  });

  test.each([
    ['no endpoint', { MESHSTACK_ENDPOINT: '' }, /no platform to talk to: set MESHSTACK_ENDPOINT/],
    [
      'a key without secret on a remote endpoint',
      { MESHSTACK_ENDPOINT: 'https://meshstack.example.com', MESHSTACK_API_KEY: 'k' },
      /MESHSTACK_API_KEY is set without MESHSTACK_API_SECRET/,
    ],
    [
      'no credentials',
      { MESHSTACK_API_KEY: '' },
      /no credentials: set MESHSTACK_API_KEY and MESHSTACK_API_SECRET, or MESHSTACK_API_TOKEN/,
    ],
  ])('usage errors exit 1 before any call: %s', async (_name, env, message) => {
    const manifest = write('usage.json', team());
    const res = await meshform(['plan', '--manifest', manifest], { cwd: dir, env: { ...as(PARTNER), ...env } });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(message);
  });

  test('apply without --auto-approve and without a terminal is a usage error', async () => {
    const manifest = write('noauto.json', team([[MEMBER, user('erin')]]));
    const res = await run(['apply', '--manifest', manifest]);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/apply needs --auto-approve without a terminal/);
  });

  test('plan --format markdown renders a PR comment; --format json is the plan file', async () => {
    const manifest = write('md.json', team([[MEMBER, user('erin')]]));
    const md = await run(['plan', '--manifest', manifest, '--format', 'markdown']);
    expect(md.stdout).toMatch(/^<!-- meshform-plan -->\n### meshform plan: `test`/);
    expect(md.stdout).toMatch(/\| add \| change \| remove \| expired \| need 2nd approval \| already waiting \|/);
    const json = await run(['plan', '--manifest', manifest, '--format', 'json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ kind: 'Plan' });
  });

  test('reconcile --once converges and exits 0; a second pass finds no changes', async () => {
    const manifest = write('reconcile.json', team([[MEMBER, user('erin')]]));
    const first = await run(['reconcile', '--once', '--manifest', manifest]);
    expect(first.code).toBe(0);
    const second = await run(['reconcile', '--once', '--manifest', manifest]);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/no changes\./);
  });

  test("reconcile stamps its log lines with the platform's time, the clock expiries are decided by", async () => {
    await f.as(PARTNER).ext('POST', '/clock', { advance: '3d' });
    const manifest = write('stamp.json', team());
    const before = new Date((await f.as(PARTNER).ext('GET', '/clock')).data.now).getTime();
    const pass = await run(['reconcile', '--once', '--manifest', manifest]);
    const after = new Date((await f.as(PARTNER).ext('GET', '/clock')).data.now).getTime();
    const stamp = Date.parse(/^\[([^\]]+)\]/m.exec(pass.stdout)?.[1] ?? '');
    expect(stamp).toBeGreaterThanOrEqual(before);
    expect(stamp).toBeLessThanOrEqual(after);
    // Three days ahead of this machine's clock: the stamp is the platform's.
    expect(stamp - Date.now()).toBeGreaterThan(2 * 86_400_000);
  });

  test('show renders a saved plan in each format without contacting the platform; a damaged one is refused', async () => {
    const manifest = write('show.json', team([[MEMBER, user('erin'), { expiryDate: '2027-01-31', reason: 'INC-42' }]]));
    const planFile = path.join(dir, 'show-plan.json');
    const planned = await run(['plan', '--manifest', manifest, '--out', planFile]);
    // No endpoint, no credentials: show never calls the platform.
    const offline = (args: string[]) =>
      meshform(args, {
        cwd: dir,
        env: { MESHSTACK_ENDPOINT: '', MESHSTACK_API_KEY: '', MESHSTACK_API_SECRET: '', MESHSTACK_API_TOKEN: '' },
      });
    const text = await offline(['show', planFile]);
    expect(text.code).toBe(0);
    expect(text.stdout).toBe(planned.stdout);
    expect((await offline(['show', planFile, '--format', 'markdown'])).stdout).toMatch(/^<!-- meshform-plan -->\n/);
    expect(JSON.parse((await offline(['show', planFile, '--format', 'json'])).stdout)).toEqual(
      JSON.parse(fs.readFileSync(planFile, 'utf8')),
    );
    fs.writeFileSync(planFile, fs.readFileSync(planFile, 'utf8').replace('INC-42', 'INC-43'));
    const damaged = await offline(['show', planFile]);
    expect(damaged.code).toBe(1);
    expect(damaged.stderr).toMatch(/changed or damaged after `meshform plan` wrote it/);
  });

  test('history says who changed what, when and why: the reason from code, an expiry labelled expired', async () => {
    const platformNow = new Date((await f.as(PARTNER).ext('GET', '/clock')).data.now).getTime();
    const until = new Date(platformNow + 2 * 86_400_000).toISOString().slice(0, 10);
    const manifest = write(
      'history.json',
      desired([
        workspace(
          'cli-history',
          [
            binding(OWNER, user('alice')),
            binding(MEMBER, user('erin'), { expiryDate: until, reason: 'INC-4711: payment API down' }),
          ],
          { projects: [project('cli-history', 'web', [binding('Project User', user('erin'))])] },
        ),
      ]),
    );
    expect((await run(['apply', '--manifest', manifest, '--auto-approve'])).code).toBe(0);
    await f.as(PARTNER).ext('POST', '/clock', { advance: '4d' });
    const history = await run(['history', 'cli-history']);
    expect(history.code).toBe(0);
    const lines = history.stdout.trimEnd().split('\n');
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^\d{4}-\d\d-\d\dT[\d:]+Z {2}partner\.admin +granted user erin: Workspace Member until \d{4}-\d\d-\d\d \(INC-4711: payment API down\)$/,
      ),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(/meshStack \(expiry\) +expired user erin: Workspace Member until /),
    );
    const web = await run(['history', 'cli-history', '--project', 'web', '--format', 'json']);
    const events = JSON.parse(web.stdout) as Array<{ project?: string }>;
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e) => e.project === 'web')).toBe(true);
  });
});
