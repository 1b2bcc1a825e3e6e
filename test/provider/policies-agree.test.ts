/**
 * Issue 24: a plan, the Terraform provider's plan and `meshform import --check` report the same
 * policy findings (rule, workspace, message; refusal or warning) for the same estate and policy file:
 * the four example policies and a warn policy, on a small estate in step with its code.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse, stringify } from 'yaml';
import { apply } from '../../controller/apply/apply';
import { HttpApiClient } from '../../controller/client/http-client';
import { planAgainst } from '../../controller/run';
import { findingMessage } from '../../controller/render/describe';
import { desiredStateOfEntries } from '../../constructs/private/entries-state';
import { createProvider } from '../../provider/provider';
import { valueOf } from '../../provider/resources/workspace-value';
import type { Plan } from '../../schemas/plan.generated';
import type { WorkspaceEntry } from '../../schemas/workspace-data.generated';
import { REPO_ROOT, meshform, platformEnv } from '../helpers/cli';
import { PARTNER, type SandboxFixture, sandboxFixture } from '../helpers/sandbox';
import { scratchDir } from '../helpers/scratch';
import { stringTag } from '../helpers/desired';

const STACK = 'agree';
const TAG_DEFINITIONS = [stringTag('meshWorkspace', 'restricted'), stringTag('meshProject', 'environment')];

/** The estate as code (workspace entries): the manifest, the provider's resources and the platform all come from it. */
function estate(now: Date): WorkspaceEntry[] {
  const inDays = (d: number) => new Date(now.getTime() + d * 86_400_000).toISOString().slice(0, 10);
  return [
    {
      identifier: 'pa-one',
      displayName: 'Payments',
      tags: { restricted: ['true'] },
      bindingManagement: 'authoritative',
      bindings: [
        { role: 'Workspace Owner', user: 'alice' },
        { role: 'Workspace Member', user: 'bob', expiryDate: inDays(30) },
      ],
      projects: [
        {
          identifier: 'pa-one-prod',
          displayName: 'Payments production',
          tags: { environment: ['production'] },
          bindings: [{ role: 'Project Admin', user: 'bob' }],
        },
      ],
    },
    {
      identifier: 'pa-two',
      displayName: 'Platform team workspace',
      bindingManagement: 'authoritative',
      bindings: [{ role: 'Workspace Owner', user: 'dave', expiryDate: inDays(90) }],
    },
  ];
}

/** One finding in a form the three report alike: refusal or warning, workspace, rule, the plan's words. */
const line = (kind: 'refused' | 'warning', workspace: string, rule: string, message: string) =>
  `${kind} [${workspace}] ${message} (rule: ${rule})`;

let f: SandboxFixture;
let dir: string;
let env: Record<string, string>;
let entries: WorkspaceEntry[];
const policyFile = () => path.join(dir, 'org.policies.yaml');

beforeAll(async () => {
  f = await sandboxFixture();
  dir = scratchDir('policies-agree');
  env = platformEnv(f.sandbox.url, PARTNER);
  const api = new HttpApiClient({ endpoint: f.sandbox.url, credentials: { kind: 'key', key: PARTNER } });
  const now = new Date((await f.as(PARTNER).ext('GET', '/clock')).data.now);
  entries = estate(now);
  const manifest = desiredStateOfEntries(STACK, {}, entries, TAG_DEFINITIONS);
  const seeded = (await planAgainst(api, manifest, { endpoint: f.sandbox.url }, now)).plan;
  expect(seeded.refusals).toEqual([]);
  const report = await apply(api, seeded);
  expect(report.results.filter((r) => r.status !== 'applied')).toEqual([]);
  fs.mkdirSync(path.join(dir, 'out'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'out', 'meshform.json'), JSON.stringify(manifest));
  // The organisation's four example policies, and one that only warns.
  const file = parse(fs.readFileSync(path.join(REPO_ROOT, 'examples/policies/organisation.policies.yaml'), 'utf8')) as {
    policies: object[];
  };
  file.policies.push({
    name: 'display-name-purpose',
    target: 'workspace',
    action: 'warn',
    validations: [{ expression: 'object.displayName.contains(" ")', message: 'say what the workspace is for' }],
  });
  fs.writeFileSync(policyFile(), stringify(file));
});
afterAll(async () => {
  await f.sandbox.close();
});

async function fromPlan(): Promise<string[]> {
  const run = await meshform(['plan', '--format', 'json', '--policy', policyFile()], { cwd: dir, env });
  expect(run.stderr).toBe('');
  const plan = JSON.parse(run.stdout) as Plan;
  // Only the policies refuse: the estate is in step with its code.
  expect(plan.workspaces.flatMap((w) => w.steps)).toEqual([]);
  return [
    ...plan.refusals.map((r) => line('refused', r.workspace ?? '*', r.rule, findingMessage(r))),
    ...plan.warnings
      .filter((w) => w.rule.startsWith('policy:'))
      .map((w) => line('warning', w.workspace ?? '*', w.rule, findingMessage(w))),
  ].sort();
}

async function fromImportCheck(): Promise<string[]> {
  const run = await meshform(
    ['import', '--check', '--workspace', 'pa-one,pa-two', '--name', STACK, '--policy', policyFile()],
    { cwd: dir, env },
  );
  expect(run.stderr).toBe('');
  expect(run.code).toBe(3);
  expect(run.stdout).toContain('0 live workspace(s) not in the code, 0 declared workspace(s) that differ, 2 in step.');
  return run.stdout
    .split('\n')
    .filter((l) => /^(refused|warning) \[/.test(l))
    .sort();
}

async function fromProvider(): Promise<string[]> {
  const provider = createProvider(env, () => undefined, dir);
  const json = (v: object) => ({ json: Buffer.from(JSON.stringify(v)) });
  const configured = await provider.ConfigureProvider({ config: json({ stack: STACK, policy: 'org.policies.yaml' }) });
  expect(configured.diagnostics).toEqual([]);
  const out: string[] = [];
  for (const e of entries) {
    const planned = (await provider.PlanResourceChange({
      type_name: 'meshform_workspace',
      prior_state: null,
      proposed_new_state: json({ ...valueOf(e), owner_stack: null }),
    })) as { diagnostics: Array<{ severity: number; summary: string; detail: string }> };
    for (const d of planned.diagnostics) {
      const m = /^meshform: (policy:[\w-]+) \(([\w-]+)\)$/.exec(d.summary);
      if (!m) continue;
      const [message, rule] = d.detail.split('\nRule: ');
      expect(rule).toBe(m[1]);
      out.push(line(d.severity === 1 ? 'refused' : 'warning', m[2], m[1], message));
    }
  }
  return out.sort();
}

test('a plan, the provider plan and import --check report the same policy findings for the same estate', async () => {
  const planned = await fromPlan();
  expect(planned).toEqual(
    [
      line(
        'refused',
        'pa-one',
        'policy:owner-expiry',
        'binding User:alice "Workspace Owner" in workspace pa-one: Workspace Owner alice must expire within 180 days of now',
      ),
      line(
        'refused',
        'pa-one',
        'policy:production-ticket',
        'binding User:bob "Project Admin" in workspace pa-one project pa-one-prod: production projects are granted only with a ticket in the reason, e.g. "OPS-1234 on-call"',
      ),
      line(
        'refused',
        'pa-one',
        'policy:restricted-domain',
        'binding User:alice "Workspace Owner" in workspace pa-one: a restricted workspace admits only users with an @example.com address',
      ),
      line(
        'refused',
        'pa-one',
        'policy:restricted-domain',
        'binding User:bob "Project Admin" in workspace pa-one project pa-one-prod: a restricted workspace admits only users with an @example.com address',
      ),
      line(
        'refused',
        'pa-one',
        'policy:restricted-domain',
        'binding User:bob "Workspace Member" in workspace pa-one: a restricted workspace admits only users with an @example.com address',
      ),
      line('warning', 'pa-one', 'policy:display-name-purpose', 'workspace pa-one: say what the workspace is for'),
    ].sort(),
  );
  expect(await fromProvider()).toEqual(planned);
  expect(await fromImportCheck()).toEqual(planned);
});

test("a bad policy file fails the provider's configuration, naming the policy, the expression and the position", async () => {
  fs.writeFileSync(
    path.join(dir, 'bad.policies.yaml'),
    stringify({
      apiVersion: 'meshform.io/v1',
      kind: 'PolicySet',
      policies: [
        { name: 'typo', target: 'binding', action: 'deny', validations: [{ expression: 'objcet.role == "x"' }] },
      ],
    }),
  );
  const provider = createProvider(env, () => undefined, dir);
  const configured = (await provider.ConfigureProvider({
    config: { json: Buffer.from(JSON.stringify({ policy: 'bad.policies.yaml' })) },
  })) as { diagnostics: Array<{ severity: number; summary: string; detail: string }> };
  expect(configured.diagnostics).toEqual([
    expect.objectContaining({
      severity: 1,
      summary: 'meshform: invalid policy file',
      detail: expect.stringContaining(
        'policy "typo": validations[0].expression `objcet.role == "x"` reads "objcet" at line 1, column 1',
      ),
    }),
  ]);
});
