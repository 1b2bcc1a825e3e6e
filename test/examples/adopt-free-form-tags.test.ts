/**
 * Adoption on an estate whose workspace tags were set before any tag definition existed (issue 22):
 * meshform's ownership definition makes the platform check every workspace tag, so import defines
 * every key it finds (a dotted one included) before it; init, import --all, synth, plan find nothing
 * to change, and a panel user can still save a tagged workspace.
 */
import * as path from 'path';
import { linkMeshform, meshform, platformEnv } from '../helpers/cli';
import { PARTNER, type SandboxFixture, sandboxFixture } from '../helpers/sandbox';
import { scratchDir } from '../helpers/scratch';

describe('adopting an estate whose workspace tags predate any tag definition', () => {
  let free: SandboxFixture;
  beforeAll(async () => {
    // A copy of the seeded template: like a new data dir, it holds no workspace and no tag definition.
    free = await sandboxFixture();
  });
  afterAll(async () => {
    await free.sandbox.close();
  });

  test('import --all, synth, plan: "No changes", and the panel can still save a tagged workspace', async () => {
    const partner = free.as(PARTNER);
    const estate: Array<[string, Record<string, string[]>]> = [
      ['free-a', { costCenter: ['4711'], 'Owner.Email': ['a@example.com'] }],
      ['free-b', { costCenter: ['4712'], teams: ['blue', 'red'] }],
    ];
    for (const [name, tags] of estate) {
      expect((await partner.createWorkspace(name, { tags })).status).toBe(201);
      await partner.grant(name, 'bob', 'Workspace Manager');
    }
    const repo = path.join(scratchDir('adopt-free'), 'platform-team');
    expect((await meshform(['init', '--dir', repo])).code).toBe(0);
    const env = { ...platformEnv(free.sandbox.url, PARTNER), PATH: linkMeshform(repo) };
    const imported = await meshform(['import', '--all'], { cwd: repo, env });
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(/3 tag definition\(s\)/);
    expect(imported.stdout).toMatch(/owner of 2 workspace\(s\).*after 3 for the tag keys found/);
    const synth = await meshform(['synth'], { cwd: repo, env });
    expect(synth.stderr).toBe('');
    expect(synth.code).toBe(0);
    const plan = await meshform(['plan', '--detailed-exitcode'], { cwd: repo, env });
    expect(plan.stdout).toMatch(/No changes/);
    expect(plan.code).toBe(0);
    // A Workspace Manager renames a tagged workspace in the panel (a full PUT with its tags as they are).
    const live = (await free.as('bob').mesh('workspace', 'GET', '/meshworkspaces/free-a')).data as {
      spec: Record<string, unknown>;
    };
    const renamed = await free
      .as('bob')
      .mesh('workspace', 'PUT', '/meshworkspaces/free-a', { ...live, spec: { ...live.spec, displayName: 'Renamed' } });
    expect(renamed.status).toBe(200);
  });
});
