import * as fs from 'fs';
import * as path from 'path';
import { loadDesiredState } from '../../core/manifest-file';
import { REPO_ROOT, meshform } from '../helpers/cli';
import { scratchDir } from '../helpers/scratch';

const NOW = '2026-11-25T12:00:00Z';
const env = { CDKTF_CONTEXT_JSON: JSON.stringify({ 'meshform:now': NOW }) };
const examples = fs
  .readdirSync(path.join(REPO_ROOT, 'examples'))
  .filter((e) => fs.existsSync(path.join(REPO_ROOT, 'examples', e, 'main.ts')));

async function synthExample(name: string) {
  const out = scratchDir(name);
  const run = await meshform(['synth', '--app', `node dist/examples/${name}/main.js`, '--out', out], {
    cwd: REPO_ROOT,
    env,
  });
  return { out, run };
}

describe('examples', () => {
  test('all three examples are here', () => {
    expect(examples.sort()).toEqual(['basic', 'emergency-access', 'estate']);
  });

  test.each(examples)('%s synthesizes a schema-valid manifest and Terraform JSON', async (name) => {
    const { out, run } = await synthExample(name);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const { state } = loadDesiredState(path.join(out, 'meshform.json'), new Date(NOW));
    const terraform = JSON.parse(fs.readFileSync(path.join(out, 'cdk.tf.json'), 'utf8'));
    // One anchor per workspace, and one for the tag definitions where the stack declares any.
    expect(Object.keys(terraform.resource.terraform_data)).toHaveLength(
      state.workspaces.length + (state.tagDefinitions.length ? 1 : 0),
    );
  });

  test('basic: one team workspace with owner, manager, members, a group, two projects, tags and quota', async () => {
    const { out } = await synthExample('basic');
    const { state } = loadDesiredState(path.join(out, 'meshform.json'), new Date(NOW));
    const ws = state.workspaces[0];
    expect(ws.bindings.map((b) => `${b.roleRef.name}:${b.subject.kind}:${b.subject.name}`).sort()).toEqual([
      'Workspace Manager:User:bob',
      'Workspace Member:Group:payments-devs',
      'Workspace Member:User:carol',
      'Workspace Owner:User:alice',
    ]);
    expect(ws.projects.map((p) => p.metadata.name)).toEqual(['payments-dev', 'payments-prod']);
    expect(ws.spec.projectQuota).toBe(5);
    expect(ws.metadata.tags).toEqual({ confidentiality: ['internal'], costCenter: ['4711'] });
  });

  test('emergency-access: the project binding has an expiry and a reason, and so has the workspace membership it needs', async () => {
    const { out } = await synthExample('emergency-access');
    const { state } = loadDesiredState(path.join(out, 'meshform.json'), new Date(NOW));
    const [ws] = state.workspaces;
    const erinProject = ws.projects[0].bindings.find((b) => b.subject.name === 'erin');
    const erinWorkspace = ws.bindings.find((b) => b.subject.name === 'erin');
    expect(erinProject).toMatchObject({
      roleRef: { name: 'Project Admin' },
      expiryDate: '2026-11-26T06:00:00Z',
      reason: expect.stringMatching(/^INC-4711/),
    });
    expect(erinWorkspace).toMatchObject({ roleRef: { name: 'Workspace Member' }, expiryDate: '2026-11-26T06:00:00Z' });
  });

  test('estate: 200 workspaces from YAML, each with two projects and nine bindings', async () => {
    const { out } = await synthExample('estate');
    const { state } = loadDesiredState(path.join(out, 'meshform.json'), new Date(NOW));
    expect(state.workspaces).toHaveLength(200);
    for (const ws of state.workspaces) {
      expect(ws.projects).toHaveLength(2);
      expect(ws.bindings.length + ws.projects.reduce((n, p) => n + p.bindings.length, 0)).toBe(9);
    }
  });
});
