import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runPolicyTests } from '../../../core/policy/policy-test';

const EXAMPLE = path.resolve(__dirname, '../../../examples/policies/organisation.policies.yaml');

describe('meshform policy test over the example policies', () => {
  const results = runPolicyTests(EXAMPLE);

  it('passes every case of each of the four policies', () => {
    expect(results.filter((r) => !r.passed)).toEqual([]);
    // Denied by the validation itself, not by an evaluation error (which would also count as deny).
    expect(results.filter((r) => r.got.startsWith('error'))).toEqual([]);
    expect(new Set(results.map((r) => r.policy))).toEqual(
      new Set(['owner-expiry', 'production-ticket', 'restricted-domain', 'emergency-24h']),
    );
  });

  it('reports a case whose expectation the policy contradicts as failed, with what the policy said', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'policy-test-'));
    const file = path.join(dir, 'org.yaml');
    fs.copyFileSync(EXAMPLE, file);
    fs.writeFileSync(
      path.join(dir, 'org.test.yaml'),
      [
        'cases:',
        '  - name: wrongly expects an unbounded Owner to pass',
        '    policy: owner-expiry',
        "    now: '2026-01-01T00:00:00Z'",
        '    object: { role: Workspace Owner, subject: { kind: User, name: alice } }',
        '    expect: allow',
      ].join('\n'),
    );
    expect(runPolicyTests(file)).toEqual([
      {
        name: 'wrongly expects an unbounded Owner to pass',
        policy: 'owner-expiry',
        passed: false,
        got: 'deny: Workspace Owner alice must expire within 180 days of now',
      },
    ]);
  });
});
