/**
 * `meshform import` as an adopter runs it: a populated sandbox, `meshform init`, `import --all`,
 * `synth`, `plan` → "No changes", for the TypeScript and the YAML format; a re-import refuses to
 * overwrite without --force; `--check` writes nothing and finds workspaces the code does not declare.
 */
import * as fs from 'fs';
import * as path from 'path';
import { apply } from '../../../controller/apply/apply';
import { HttpApiClient } from '../../../controller/client/http-client';
import { planAgainst } from '../../../controller/run';
import { OWNERSHIP_TAG_KEY } from '../../../core/rules';
import { BasicStack } from '../../../examples/basic/main';
import { binding, project, user, workspace } from '../../helpers/desired';
import { linkMeshform, meshform, platformEnv } from '../../helpers/cli';
import { PARTNER, type SandboxFixture, sandboxFixture } from '../../helpers/sandbox';
import { appWithNow, synthOutputs } from '../../helpers/stack';
import { scratchDir } from '../../helpers/scratch';

let f: SandboxFixture;
let dir: string;
let api: HttpApiClient;
const HOSTILE = `it's */ \${process.exit(3)} \\ done`;

beforeAll(async () => {
  f = await sandboxFixture();
  dir = scratchDir('import');
  api = new HttpApiClient({ endpoint: f.sandbox.url, credentials: { kind: 'key', key: PARTNER } });
  const now = new Date((await f.as(PARTNER).ext('GET', '/clock')).data.now);
  const { manifest } = synthOutputs(new BasicStack(appWithNow(now.toISOString()), 'basic'));
  const estate = {
    ...manifest,
    workspaces: [
      ...manifest.workspaces,
      workspace(
        'odd-one',
        [
          binding('Workspace Owner', user('dave')),
          binding('Workspace Member', {
            kind: 'User',
            name: 'frank@example.com',
            invitation: { firstName: 'Frank', lastName: 'New', email: 'frank@example.com' },
          }),
        ],
        {
          displayName: HOSTILE,
          tags: { costCenter: ['0815'] },
          projects: [project('odd-one', 'odd-one-x', [], { displayName: HOSTILE, tags: { environment: ['qa'] } })],
        },
      ),
    ],
  };
  const seeded = (await planAgainst(api, estate, { endpoint: f.sandbox.url }, now)).plan;
  expect(seeded.refusals).toEqual([]);
  const report = await apply(api, seeded);
  expect(report.results.filter((r) => r.status === 'failed')).toEqual([]);
  // An estate made in the panel: no meshform stack owns it.
  for (const w of estate.workspaces)
    await api.workspaces.update(w.metadata.name, {
      displayName: w.spec.displayName!,
      tags: { [OWNERSHIP_TAG_KEY]: [] },
    });
});
afterAll(async () => {
  await f.sandbox.close();
});

async function adopter(name: string): Promise<{ repo: string; env: Record<string, string> }> {
  const repo = path.join(dir, name);
  expect((await meshform(['init', '--dir', repo])).code).toBe(0);
  return { repo, env: { ...platformEnv(f.sandbox.url, PARTNER), PATH: linkMeshform(repo) } };
}

/** synth, then plan: nothing to change (exit 0 with --detailed-exitcode). */
async function expectNoChanges(repo: string, env: Record<string, string>): Promise<void> {
  const synth = await meshform(['synth'], { cwd: repo, env });
  expect(synth.stderr).toBe('');
  expect(synth.code).toBe(0);
  const plan = await meshform(['plan', '--detailed-exitcode'], { cwd: repo, env });
  expect(plan.stdout).toMatch(/No changes/);
  expect(plan.code).toBe(0);
}

test('init, import --all, synth, plan: "No changes"; the code reads like the examples; a re-import needs --force', async () => {
  const { repo, env } = await adopter('adopt-ts');
  const imported = await meshform(['import', '--all'], { cwd: repo, env });
  expect(imported.stderr).toBe('');
  expect(imported.code).toBe(0);
  expect(imported.stdout).toMatch(
    /Imported 2 workspace\(s\), 3 project\(s\), 10 binding\(s\), 3 tag definition\(s\) into \. \(3 file\(s\)/,
  );
  // An open invitation is written as one (issue 22: as a username it failed every apply once Frank logged in).
  expect(fs.readFileSync(path.join(repo, 'workspaces', 'odd-one.ts'), 'utf8')).toMatch(
    /ws\.grant\(WorkspaceRole\.MEMBER, User\.invite\(\{ firstName: 'Frank', lastName: 'Frank', email: 'frank@example\.com' \}\)\);/,
  );
  const payments = fs.readFileSync(path.join(repo, 'workspaces', 'payments.ts'), 'utf8');
  // Named constants for subjects used more than once, grants, projects with tags, expiries with their dates.
  expect(payments).toMatch(/const bob = User\.fromUsername\('bob'\);/);
  expect(payments).toMatch(/const paymentsDevsGroup = Group\.fromGroupName\('payments-devs'\);/);
  expect(payments).toMatch(/ws\.grant\(WorkspaceRole\.MEMBER, carol, \{ expiryDate: '2027-06-30' \}\);/);
  expect(payments).toMatch(/ws\.grant\(WorkspaceRole\.OWNER, User\.fromUsername\('alice'\)\);/);
  expect(payments).toMatch(
    /const paymentsProd = ws\.addProject\('payments-prod', \{ identifier: 'payments-prod', displayName: 'Payments \(production\)', tags: \{ environment: 'prod' \} \}\);/,
  );
  expect(payments).toMatch(/bindingManagement: BindingManagement\.ADDITIVE/);
  expect(fs.readFileSync(path.join(repo, 'workspaces', 'odd-one.ts'), 'utf8')).toContain(
    `displayName: 'it\\'s */ \${process.exit(3)} \\\\ done'`,
  );
  expect(fs.readFileSync(path.join(repo, 'main.ts'), 'utf8')).toMatch(
    /new TagDefinition\(stack, 'meshWorkspace\.confidentiality', \{ targetKind: 'meshWorkspace', key: 'confidentiality', displayName: 'confidentiality', valueType: TagValueType\.singleSelect\(\['public', 'internal', 'confidential'\]\), restricted: true \}\);/,
  );

  await expectNoChanges(repo, env);

  // import recorded this stack as the owner (the one write it makes); the plan above found nothing to claim.
  expect(imported.stdout).toMatch(
    /Recorded stack "adopt-ts" as the owner of 2 workspace\(s\) \(their meshformStack tag\)/,
  );
  expect((await api.workspaces.read('payments'))!.tags[OWNERSHIP_TAG_KEY]).toEqual(['adopt-ts']);

  const again = await meshform(['import', '--all'], { cwd: repo, env });
  expect(again.code).toBe(1);
  expect(again.stderr).toMatch(
    /main\.ts, workspaces\/odd-one\.ts, workspaces\/payments\.ts exist in .*: nothing was written; pass --force to overwrite/,
  );
  // A re-import by the same stack is the same code, and claims nothing.
  const before = fs.readFileSync(path.join(repo, 'workspaces', 'payments.ts'), 'utf8');
  const reimported = await meshform(['import', '--all', '--force'], { cwd: repo, env });
  expect(reimported.code).toBe(0);
  expect(reimported.stdout).not.toMatch(/Recorded stack/);
  expect(
    fs.readFileSync(path.join(repo, 'workspaces', 'payments.ts'), 'utf8').replace(/on \d{4}-\d{2}-\d{2}/, ''),
  ).toBe(before.replace(/on \d{4}-\d{2}-\d{2}/, ''));

  // Another stack imports nothing that this one owns, and says so; its plan of the same code is refused by name.
  const { repo: other, env: otherEnv } = await adopter('other-team');
  const second = await meshform(['import', '--all'], { cwd: other, env: otherEnv });
  expect(second.code).toBe(0);
  expect(second.stdout).toMatch(
    /workspace payments is owned by meshform stack "adopt-ts": not imported \(one stack owns a workspace\)/,
  );
  expect(fs.existsSync(path.join(other, 'workspaces', 'payments.ts'))).toBe(false);
  fs.writeFileSync(
    path.join(other, 'main.ts'),
    fs
      .readFileSync(path.join(repo, 'main.ts'), 'utf8')
      .replace("new MeshStack(app, 'adopt-ts')", "new MeshStack(app, 'other-team')"),
  );
  fs.cpSync(path.join(repo, 'workspaces'), path.join(other, 'workspaces'), { recursive: true });
  expect((await meshform(['synth'], { cwd: other, env: otherEnv })).code).toBe(0);
  const takeover = await meshform(['plan'], { cwd: other, env: otherEnv });
  expect(takeover.code).toBe(3);
  expect(takeover.stdout).toMatch(
    /workspace "payments" is owned by meshform stack "adopt-ts" \(its meshformStack tag\), not by "other-team"/,
  );
});

test('--no-claim writes adopt: true and claims nothing: the first plan shows the ownership tag as the change', async () => {
  await api.workspaces.create({ name: 'panel-made', displayName: 'Panel made', tags: { costCenter: ['0042'] } });
  await api.bindings.create({
    name: 'panel-made-owner',
    workspace: 'panel-made',
    subjectKind: 'User',
    subject: 'erin',
    role: 'Workspace Owner',
  });
  const { repo, env } = await adopter('adopt-later');
  const imported = await meshform(['import', '--workspace', 'panel-made', '--no-claim'], { cwd: repo, env });
  expect(imported.code).toBe(0);
  expect(imported.stdout).not.toMatch(/Recorded stack/);
  expect(fs.readFileSync(path.join(repo, 'workspaces', 'panel-made.ts'), 'utf8')).toMatch(/ {4}adopt: true,\n/);
  expect((await api.workspaces.read('panel-made'))!.tags[OWNERSHIP_TAG_KEY]).toBeUndefined();
  expect((await meshform(['synth'], { cwd: repo, env })).code).toBe(0);
  const plan = await meshform(['plan', '--detailed-exitcode'], { cwd: repo, env });
  expect(plan.code).toBe(2);
  expect(plan.stdout).toMatch(
    /~ update workspace panel-made: tag meshformStack\n {6}tag meshformStack: \(none\) → adopt-later\n/,
  );
  expect(plan.stdout).toMatch(/Plan: 0 to add, 1 to change, 0 to remove/);
});

test('--check writes nothing and lists live workspaces the code does not declare and declared ones that drifted', async () => {
  const { repo, env } = await adopter('adopt-check');
  // The same stack as the first test's, which owns payments now.
  expect(
    (
      await meshform(
        ['import', '--workspace', 'payments', '--name', 'adopt-ts', '--binding-management', 'authoritative'],
        { cwd: repo, env },
      )
    ).code,
  ).toBe(0);
  expect((await meshform(['synth'], { cwd: repo, env })).code).toBe(0);
  const before = fs.readdirSync(repo).sort();
  const clean = await meshform(['import', '--check', '--workspace', 'payments', '--name', 'adopt-ts'], {
    cwd: repo,
    env,
  });
  expect(clean.stdout).toMatch(
    /0 live workspace\(s\) not in the code, 0 declared workspace\(s\) that differ, 1 in step\./,
  );
  expect(clean.code).toBe(0);
  await api.bindings.create({
    name: 'panel-grant',
    workspace: 'payments',
    subjectKind: 'User',
    subject: 'dave',
    role: 'Workspace Member',
  });
  const found = await meshform(['import', '--check', '--all', '--name', 'adopt-ts'], { cwd: repo, env });
  expect(found.stdout).toMatch(/^odd-one: live, not declared in out\/meshform\.json \(owned by stack "adopt-ts"\)$/m);
  expect(found.stdout).toMatch(/^panel-made: live, not declared in out\/meshform\.json \(no stack owns it\)$/m);
  expect(found.stdout).toMatch(/^payments: 1 change\(s\) between the code and the platform/m);
  expect(found.code).toBe(2);
  expect(fs.readdirSync(repo).sort()).toEqual(before);
  await api.bindings.delete({ name: 'panel-grant', subjectKind: 'User' });
});

test('--format yaml writes the estate as data with a main.ts that reads it; synth then plan: "No changes"', async () => {
  const { repo, env } = await adopter('adopt-yaml');
  const imported = await meshform(
    ['import', '--all', '--format', 'yaml', '--binding-management', 'authoritative', '--name', 'adopt-ts'],
    { cwd: repo, env },
  );
  expect(imported.code).toBe(0);
  const yaml = fs.readFileSync(path.join(repo, 'workspaces.yaml'), 'utf8');
  expect(yaml).toMatch(/- identifier: payments\n {4}displayName: Payments Team\n/);
  expect(yaml).toMatch(/bindingManagement: authoritative/);
  await expectNoChanges(repo, env);
});

test('import needs --all or --workspace, and names a workspace it cannot see', async () => {
  const env = platformEnv(f.sandbox.url, PARTNER);
  const none = await meshform(['import'], { cwd: dir, env });
  expect(none.code).toBe(1);
  expect(none.stderr).toMatch(/meshform import needs --all or --workspace <id> \(one of them\)/);
  const missing = await meshform(['import', '--workspace', 'nope', '--out', path.join(dir, 'nothing')], {
    cwd: dir,
    env,
  });
  expect(missing.code).toBe(1);
  expect(missing.stderr).toMatch(/no live workspace nope that this caller can see: nothing was written/);
  expect(fs.existsSync(path.join(dir, 'nothing'))).toBe(false);
});
