import * as path from 'path';
import { plan } from '../../../controller/plan/plan';
import { judgePlan } from '../../../controller/plan/policies';
import { findingMessage } from '../../../controller/render/describe';
import { renderPlanMarkdown } from '../../../controller/render/markdown';
import { renderPlanText } from '../../../controller/render/text';
import { compilePolicy, type PolicySpec } from '../../../core/policy/policy';
import { type PolicySource, loadPolicyFile } from '../../../core/policy/policy-file';
import type { DesiredState } from '../../../schemas/desired-state.generated';
import { MANAGER, MEMBER, OWNER, binding, desired, project, user, workspace } from '../../helpers/desired';
import { liveState } from '../../helpers/rule-context';

const NOW = new Date('2026-11-25T12:00:00Z');
const EXAMPLES = loadPolicyFile(path.resolve(__dirname, '../../../examples/policies/organisation.policies.yaml'));

function judged(state: DesiredState, sources: readonly PolicySource[] = [EXAMPLES]) {
  const live = liveState([]);
  return judgePlan(plan(state, live, { endpoint: 'http://platform' }, NOW), state, live, sources, NOW);
}

const policyFindings = (fs: { rule: string }[]) => fs.map((f) => f.rule).filter((r) => r.startsWith('policy:'));
const owner = (extra: { expiryDate?: string; reason?: string } = {}) => binding(OWNER, user('alice'), extra);

describe('the example policies in a plan', () => {
  // One workspace per case, so each row shows exactly which policy refuses it (or none).
  const rows: Array<[string, DesiredState['workspaces'][number], string[]]> = [
    ['an Owner for 90 days', workspace('a', [owner({ expiryDate: '2027-02-20' })]), []],
    ['an Owner without expiry', workspace('a', [owner()]), ['policy:owner-expiry']],
    ['an Owner for 200 days', workspace('a', [owner({ expiryDate: '2027-06-13' })]), ['policy:owner-expiry']],
    [
      'a production project grant with a ticket',
      workspace('a', [owner({ expiryDate: '2027-01-01' })], {
        projects: [
          project('a', 'prod', [binding('Project Admin', user('bob'), { reason: 'OPS-12 on-call' })], {
            tags: { environment: ['production'] },
          }),
        ],
      }),
      [],
    ],
    [
      'a production project grant without a ticket',
      workspace('a', [owner({ expiryDate: '2027-01-01' })], {
        projects: [
          project('a', 'prod', [binding('Project Admin', user('bob'), { reason: 'asked nicely' })], {
            tags: { environment: ['production'] },
          }),
        ],
      }),
      ['policy:production-ticket'],
    ],
    [
      'a development project grant without a ticket',
      workspace('a', [owner({ expiryDate: '2027-01-01' })], {
        projects: [project('a', 'dev', [binding('Project Admin', user('bob'))], { tags: { environment: ['dev'] } })],
      }),
      [],
    ],
    [
      'an outside user in a restricted workspace',
      workspace(
        'a',
        [
          binding(OWNER, user('alice@example.com'), { expiryDate: '2027-01-01' }),
          binding(MEMBER, user('eve@partner.io')),
        ],
        { tags: { restricted: ['true'] } },
      ),
      ['policy:restricted-domain'],
    ],
    [
      'only @example.com users in a restricted workspace',
      workspace('a', [binding(OWNER, user('alice@example.com'), { expiryDate: '2027-01-01' })], {
        tags: { restricted: ['true'] },
      }),
      [],
    ],
    [
      'an outside user in an open workspace',
      workspace('a', [owner({ expiryDate: '2027-01-01' }), binding(MEMBER, user('eve@partner.io'))]),
      [],
    ],
    [
      'an emergency grant for 12 hours',
      workspace('a', [
        owner({ expiryDate: '2027-01-01' }),
        binding(MANAGER, user('erin'), { reason: 'Emergency INC-7', expiryDate: '2026-11-26T00:00:00Z' }),
      ]),
      [],
    ],
    [
      'an emergency grant for a week',
      workspace('a', [
        owner({ expiryDate: '2027-01-01' }),
        binding(MANAGER, user('erin'), { reason: 'emergency INC-7', expiryDate: '2026-12-02' }),
      ]),
      ['policy:emergency-24h'],
    ],
  ];

  it.each(rows)('%s', (_, ws, expected) => {
    const p = judged(desired([ws]));
    expect(policyFindings(p.refusals)).toEqual(expected);
    expect(policyFindings(p.warnings)).toEqual([]);
  });

  it("words a refusal with the policy's message and the object it judged", () => {
    const p = judged(desired([workspace('a', [owner()])]));
    expect(p.refusals.filter((r) => r.rule === 'policy:owner-expiry').map(findingMessage)).toEqual([
      'binding User:alice "Workspace Owner" in workspace a: Workspace Owner alice must expire within 180 days of now',
    ]);
  });
});

const spec = (over: Partial<PolicySpec>): PolicySpec => ({
  name: 'p',
  target: 'binding',
  action: 'deny',
  validations: [{ expression: 'true' }],
  ...over,
});
const source = (...specs: PolicySpec[]): PolicySource => ({
  source: 'org.yaml',
  sha256: 'a'.repeat(64),
  policies: specs.map(compilePolicy),
});

describe('policy actions, errors and the plan header', () => {
  const state = desired([workspace('a', [owner()])]);

  it('a warn policy is a warning, not a refusal', () => {
    const p = judged(state, [
      source(
        spec({
          name: 'owner-expiry',
          action: 'warn',
          validations: [{ expression: 'has(object.expiry)', message: 'set an expiry' }],
        }),
      ),
    ]);
    expect(policyFindings(p.warnings)).toEqual(['policy:owner-expiry']);
    expect(policyFindings(p.refusals)).toEqual([]);
  });

  it('an expression failing at run time on one object refuses it, naming it, even for a warn policy', () => {
    const p = judged(state, [
      source(spec({ action: 'warn', validations: [{ expression: 'object.reason.startsWith("OPS")' }] })),
    ]);
    expect(p.refusals.filter((r) => r.rule === 'policy:p').map(findingMessage)).toEqual([
      'binding User:alice "Workspace Owner" in workspace a: the policy failed on it (validations[0]: field not found: reason), so it is refused rather than let through.',
    ]);
  });

  it('lists each source with its digest, and the digest of the plan covers the policies', () => {
    const without = judged(state, []);
    const withPolicies = judged(state, [EXAMPLES]);
    expect(withPolicies.policies).toEqual([
      {
        source: EXAMPLES.source,
        sha256: EXAMPLES.sha256,
        names: ['owner-expiry', 'production-ticket', 'restricted-domain', 'emergency-24h'],
      },
    ]);
    expect(EXAMPLES.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(withPolicies.digest).not.toEqual(without.digest);
    expect(judged(state, [{ ...EXAMPLES, sha256: 'b'.repeat(64) }]).digest).not.toEqual(withPolicies.digest);
    expect(renderPlanMarkdown(withPolicies)).toContain(`Policies: ${EXAMPLES.source} (sha256:${EXAMPLES.sha256}`);
    expect(renderPlanText(withPolicies, { color: false })).toContain(
      `Policies: ${EXAMPLES.source} (sha256:${EXAMPLES.sha256}`,
    );
  });

  it('a plan without policies is unchanged', () => {
    const live = liveState([]);
    const planned = plan(state, live, { endpoint: 'http://platform' }, NOW);
    expect(judgePlan(planned, state, live, [], NOW)).toBe(planned);
  });
});
