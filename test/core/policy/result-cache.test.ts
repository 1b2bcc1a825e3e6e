import * as path from 'path';
import * as fc from 'fast-check';
import { celValue, evaluatePolicy, resultCache } from '../../../core/policy/evaluate';
import { type PolicySpec, compilePolicy } from '../../../core/policy/policy';
import { loadPolicyFile } from '../../../core/policy/policy-file';

const reads = (expression: string) =>
  compilePolicy({
    name: 'p',
    target: 'binding',
    action: 'deny',
    validations: [{ expression }],
  }).validations[0].check.reads.map((r) => `${r.read === 'value' ? '' : `${r.read} `}${r.path.join('.')}`);

describe('what an expression reads', () => {
  test.each([
    ['object.role == "Workspace Owner"', ['object.role']],
    ['has(object.expiry) && object.expiry - now <= duration("24h")', ['object.expiry', 'now']],
    // A key of a map: only whether it is there, or its value.
    [
      'project != null && "environment" in project.tags && "production" in project.tags["environment"]',
      ['null project', 'key project.tags.environment', 'project.tags.environment'],
    ],
    ['null == oldObject || oldObject.role == object.role', ['null oldObject', 'oldObject.role', 'object.role']],
    ['object.subject.email.endsWith("@example.com")', ['object.subject.email']],
    ['size(object) > 1', ['object']],
    // A comprehension variable is not a variable of the policy, even where it shadows one.
    ['workspace.owners.all(o, o == object.subject.name)', ['workspace.owners', 'object.subject.name']],
    ['workspace.owners.exists(object, object == "x")', ['workspace.owners']],
    // In a list, "in" needs the whole list; a key that is not a constant, the whole map.
    ['"alice" in workspace.owners', ['workspace.owners']],
    ['workspace.tags[object.role] == ["x"]', ['workspace.tags', 'object.role']],
  ])('%s', (expression, expected) => {
    expect(reads(expression)).toEqual(expected);
  });
});

const MORE: PolicySpec[] = [
  {
    name: 'unguarded',
    target: 'binding',
    action: 'warn',
    validations: [{ expression: '"environment" in project.tags || project.tags["costCenter"] == ["x"]' }],
  },
  {
    name: 'owners-known',
    target: 'binding',
    action: 'deny',
    matchConditions: [{ expression: 'oldObject != null' }],
    validations: [
      {
        expression: 'workspace == null || workspace.owners.exists(o, o == object.subject.name) || size(object) > 3',
        messageExpression: '"not an owner: " + object.subject.name',
      },
    ],
  },
];

describe('the plan caches results by what each expression reads: the verdicts are those without the cache', () => {
  const file = path.resolve(__dirname, '../../../examples/policies/organisation.policies.yaml');
  const policies = [...loadPolicyFile(file).policies, ...MORE.map(compilePolicy)];
  const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
  const name = fc.constantFrom('alice', 'bob@example.com', 'carol@else.org');
  const binding = fc.record({
    role: fc.constantFrom('Workspace Owner', 'Workspace Member', 'Project Admin'),
    subject: fc.record({ kind: fc.constantFrom('User', 'Group'), name, email: maybe(name) }),
    expiry: maybe(fc.constantFrom(new Date('2026-01-01T12:00:00Z'), new Date('2027-06-01T00:00:00Z'))),
    reason: maybe(fc.constantFrom('OPS-1 on-call', 'emergency', 'EMERGENCY OPS-2', 'because')),
  });
  const tags = fc.dictionary(
    fc.constantFrom('environment', 'restricted', 'costCenter'),
    fc.array(fc.constantFrom('production', 'true', 'dev'), { maxLength: 2 }),
  );
  const variables = fc.record({
    object: binding,
    oldObject: fc.option(fc.record({ role: fc.constantFrom('Workspace Owner', 'Workspace Member') }), { nil: null }),
    workspace: fc.option(fc.record({ tags, owners: fc.array(name, { maxLength: 2 }) }), { nil: null }),
    // A project may lack tags: the error of a missing field is not the error of a null project.
    project: fc.option(fc.record({ tags }, { requiredKeys: [] }), { nil: null }),
    now: fc.constantFrom(new Date('2026-01-01T00:00:00Z'), new Date('2026-01-02T00:00:00Z')),
  });

  it('for objects that share some inputs and differ in others', () => {
    fc.assert(
      fc.property(fc.array(variables, { minLength: 1, maxLength: 30 }), (objects) => {
        const cache = resultCache();
        for (const plain of objects) {
          const cel = Object.fromEntries(Object.entries(plain).map(([k, v]) => [k, celValue(v)]));
          cache.plain = plain;
          for (const p of policies) expect(evaluatePolicy(p, () => cel, cache)).toEqual(evaluatePolicy(p, cel));
        }
      }),
      { numRuns: 200 },
    );
  });
});
