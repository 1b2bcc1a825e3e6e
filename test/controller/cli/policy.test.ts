import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { REPO_ROOT, meshform } from '../../helpers/cli';
import { desired } from '../../helpers/desired';

const EXAMPLE = path.join(REPO_ROOT, 'examples/policies/organisation.policies.yaml');

function copyExample(testCases?: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'policy-cli-'));
  fs.copyFileSync(EXAMPLE, path.join(dir, 'org.yaml'));
  fs.writeFileSync(
    path.join(dir, 'org.test.yaml'),
    testCases ?? fs.readFileSync(EXAMPLE.replace(/\.yaml$/, '.test.yaml'), 'utf8'),
  );
  return dir;
}

describe('meshform policy test', () => {
  it('passes the examples: exit 0, a line per case', async () => {
    const run = await meshform(['policy', 'test', EXAMPLE]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('PASS owner-expiry: an Owner without expiry is denied');
    expect(run.stdout).toMatch(/^17 of 17 cases passed/m);
  });

  it('exit 1 when a case fails, saying what the policy said', async () => {
    const dir = copyExample(
      "cases:\n  - name: expects too much\n    policy: emergency-24h\n    now: '2026-01-01T00:00:00Z'\n    object: { role: Workspace Manager, subject: { kind: User, name: erin }, reason: emergency }\n    expect: allow\n",
    );
    const run = await meshform(['policy', 'test', 'org.yaml'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      'FAIL emergency-24h: expects too much (got deny: an emergency grant lasts at most 24 hours; give it an expiryDate as a date-time)',
    );
  });

  it('exit 2 for a bad policy file, naming the policy and the expression', async () => {
    const dir = copyExample();
    const file = path.join(dir, 'org.yaml');
    fs.writeFileSync(
      file,
      fs.readFileSync(file, 'utf8').replace('object.role == "Workspace Owner"', 'object.role = "Workspace Owner"'),
    );
    const run = await meshform(['policy', 'test', 'org.yaml'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      'policy "owner-expiry": matchConditions[0] `object.role = "Workspace Owner"` is not valid CEL',
    );
  });

  it('exit 2 for a badly typed policy, naming the policy, the expression, the position and what was expected', async () => {
    const dir = copyExample();
    const file = path.join(dir, 'org.yaml');
    fs.writeFileSync(
      file,
      fs.readFileSync(file, 'utf8').replace('object.role == "Workspace Owner"', 'object.rolee == 1'),
    );
    const run = await meshform(['policy', 'test', 'org.yaml'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(
      'policy "owner-expiry": matchConditions[0] `object.rolee == 1` at line 1, column 7: object has no field "rolee" (did you mean "role"?)',
    );
  });

  it('exit 2 for a test case naming a policy the file does not declare', async () => {
    const dir = copyExample(
      "cases:\n  - name: x\n    policy: nope\n    now: '2026-01-01T00:00:00Z'\n    object: {}\n    expect: allow\n",
    );
    const run = await meshform(['policy', 'test', 'org.yaml'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('names policy "nope"');
  });
});

describe('meshform plan --policy', () => {
  it('a bad policy file stops the plan before any platform call (MESHFORM_POLICY alike)', async () => {
    const dir = copyExample();
    fs.writeFileSync(
      path.join(dir, 'org.yaml'),
      'apiVersion: meshform.io/v1\nkind: PolicySet\npolicies:\n  - name: x\n    target: binding\n    action: deny\n    validations: [{ expression: "nope.x" }]\n',
    );
    fs.writeFileSync(path.join(dir, 'meshform.json'), JSON.stringify(desired([])));
    // Nothing listens on port 9: a platform call would fail with a connection error instead.
    const env = {
      MESHSTACK_ENDPOINT: 'http://127.0.0.1:9',
      MESHSTACK_API_KEY: 'k',
      MESHSTACK_API_SECRET: 's',
      MESHFORM_POLICY: 'org.yaml',
    };
    for (const args of [
      ['plan', '--manifest', 'meshform.json', '--policy', 'org.yaml'],
      ['plan', '--manifest', 'meshform.json'],
    ]) {
      const run = await meshform(args, { cwd: dir, env });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('policy "x": validations[0].expression `nope.x` reads "nope" at line 1, column 1');
    }
  });

  it('a bad policy in the code (the manifest), or one replacing an organisation policy, stops plan and import --check before any platform call', async () => {
    const dir = copyExample();
    const env = { MESHSTACK_ENDPOINT: 'http://127.0.0.1:9', MESHSTACK_API_KEY: 'k', MESHSTACK_API_SECRET: 's' };
    const manifest = (validations: [{ expression: string }], name = 'in-code') =>
      fs.writeFileSync(
        path.join(dir, 'meshform.json'),
        JSON.stringify(desired([], { policies: [{ name, target: 'binding', action: 'deny', validations }] })),
      );
    manifest([{ expression: 'objcet.role == "x"' }]);
    for (const args of [
      ['plan', '--manifest', 'meshform.json'],
      ['import', '--check', '--all', '--manifest', 'meshform.json'],
    ]) {
      const run = await meshform(args, { cwd: dir, env });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('policy "in-code": validations[0].expression `objcet.role == "x"` reads "objcet"');
    }
    manifest([{ expression: 'true' }], 'owner-expiry');
    for (const args of [
      ['plan', '--manifest', 'meshform.json', '--policy', 'org.yaml'],
      ['import', '--check', '--all', '--manifest', 'meshform.json', '--policy', 'org.yaml'],
    ]) {
      const run = await meshform(args, { cwd: dir, env });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(
        'policy "owner-expiry" is declared in code and in the organisation\'s org.yaml: a policy in code may not replace or weaken an organisation policy',
      );
    }
  });

  it('a badly typed policy stops the plan before any platform call', async () => {
    const dir = copyExample();
    fs.writeFileSync(
      path.join(dir, 'org.yaml'),
      'apiVersion: meshform.io/v1\nkind: PolicySet\npolicies:\n  - name: x\n    target: binding\n    action: deny\n    validations: [{ expression: "object.expiry > 3" }]\n',
    );
    fs.writeFileSync(path.join(dir, 'meshform.json'), JSON.stringify(desired([])));
    const env = { MESHSTACK_ENDPOINT: 'http://127.0.0.1:9', MESHSTACK_API_KEY: 'k', MESHSTACK_API_SECRET: 's' };
    const run = await meshform(['plan', '--manifest', 'meshform.json', '--policy', 'org.yaml'], { cwd: dir, env });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'policy "x": validations[0].expression `object.expiry > 3` at line 1, column 15: `>` cannot take (timestamp, int); it takes (timestamp, timestamp)',
    );
    // The connection to port 9 was never tried.
    expect(run.stderr).not.toMatch(/ECONNREFUSED|127\.0\.0\.1:9/);
  });
});
