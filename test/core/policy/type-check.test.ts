import * as path from 'path';
import { policySubjects } from '../../../core/policy/objects';
import { type PolicySpec, type PolicyTarget, compilePolicy } from '../../../core/policy/policy';
import { loadPolicyFile } from '../../../core/policy/policy-file';
import { type Shape, declared, policyVariables } from '../../../core/policy/shapes';
import { OWNER, binding, desired, group, project, stringTag, user, workspace } from '../../helpers/desired';

const policy = (target: PolicyTarget, expression: string, extra: Partial<PolicySpec> = {}): PolicySpec => ({
  name: 'p',
  target,
  action: 'deny',
  validations: [{ expression }],
  ...extra,
});
const compileError = (spec: PolicySpec): string => {
  try {
    compilePolicy(spec);
  } catch (e) {
    return (e as Error).message;
  }
  return 'compiled';
};

describe('a type error is found at load, naming the policy, the expression, the position and what was expected', () => {
  test.each<[string, PolicySpec, string]>([
    [
      'an unknown field of a known object, with the likely name',
      policy('binding', 'object.rolee == "Workspace Owner"'),
      'policy "p": validations[0].expression `object.rolee == "Workspace Owner"` at line 1, column 7: object has no field "rolee" (did you mean "role"?); its fields: role, subject, expiry, expiryDate, reason, workspace, project',
    ],
    [
      'an unknown field deeper down, on the second line',
      policy('binding', 'object.role == "Workspace Owner" &&\n  object.subject.nmae == "alice"'),
      'at line 2, column 17: object.subject has no field "nmae" (did you mean "name"?); its fields: kind, name, email',
    ],
    [
      'an unknown field tested with has()',
      policy('binding', 'has(object.reasn)'),
      'at line 1, column 1: object has no field "reasn" (did you mean "reason"?)',
    ],
    [
      "a field of another target's object",
      policy('workspace', 'object.role == "Workspace Owner"'),
      'object has no field "role"; its fields: name, displayName, tags, quota, status, deleted, owners',
    ],
    [
      'a variable that is always null for the target',
      policy('tagDefinition', 'oldObject.name == object.name'),
      "at line 1, column 10: oldObject is always null for this policy's target",
    ],
    [
      'an operator on mismatched types: a timestamp against a number',
      policy('binding', 'object.expiry > 3'),
      'at line 1, column 15: `>` cannot take (timestamp, int); it takes (timestamp, timestamp)',
    ],
    [
      'arithmetic across types: a double quota plus an int',
      policy('workspace', 'object.quota + 1 < 10'),
      '`+` cannot take (double, int); it takes (double, double)',
    ],
    [
      'an equality that can never hold',
      policy('binding', 'object.role == 3'),
      'at line 1, column 13: `==` compares a string with a int, which are never equal',
    ],
    ['a bool operator on a string', policy('binding', 'object.role && true'), '`&&` needs bool operands, not string'],
    [
      'a method on the wrong type',
      policy('binding', 'object.expiry.endsWith("Z")'),
      '`endsWith` cannot take timestamp.(string); it takes string.(string)',
    ],
    [
      'a validation whose result is not a bool',
      policy('binding', 'object.subject.name'),
      'policy "p": validations[0].expression `object.subject.name` at line 1, column 15: gives a string, and must give a bool',
    ],
    [
      'a match condition whose result is not a bool',
      policy('binding', 'true', { matchConditions: [{ expression: 'size(object.role)' }] }),
      'policy "p": matchConditions[0] `size(object.role)` at line 1, column 1: gives a int, and must give a bool',
    ],
    [
      'a messageExpression that is not a string',
      policy('binding', 'true', { validations: [{ expression: 'true', messageExpression: 'size(object.role)' }] }),
      'policy "p": validations[0].messageExpression `size(object.role)` at line 1, column 1: gives a int, and must give a string',
    ],
    [
      'an unknown function',
      policy('binding', 'object.role.lowerAscii() == "x"'),
      'at line 1, column 12: calls `lowerAscii`, which is not a function CEL knows here',
    ],
    [
      'an unknown global function',
      policy('workspace', 'isProduction(object)'),
      'at line 1, column 1: calls `isProduction`, which is not a function CEL knows here',
    ],
    [
      'a list indexed by a string',
      policy('workspace', 'object.owners["a"] == "b"'),
      'a list is indexed by an int, not a string',
    ],
    [
      'an error inside a comprehension, with the loop variable typed',
      policy('workspace', 'object.owners.all(o, o > 1)'),
      '`>` cannot take (string, int); it takes (string, string)',
    ],
  ])('%s', (_name, spec, message) => {
    expect(compileError(spec)).toContain(message);
  });
});

describe('well-typed expressions pass', () => {
  it('the four example policies', () => {
    const file = path.resolve(__dirname, '../../../examples/policies/organisation.policies.yaml');
    expect(loadPolicyFile(file).policies.map((p) => p.spec.name)).toEqual([
      'owner-expiry',
      'production-ticket',
      'restricted-domain',
      'emergency-24h',
    ]);
  });

  test.each<[PolicyTarget, string]>([
    ['binding', 'has(object.expiry) && object.expiry - now <= duration("4320h")'],
    ['binding', 'project != null && "environment" in project.tags && "production" in project.tags["environment"]'],
    ['binding', 'oldObject == null || !has(oldObject.expiryDate) || oldObject.role == object.role'],
    ['binding', 'step == null || step.action != "create" || caller == null || !caller.partner'],
    ['binding', 'workspace.owners.exists(o, o == object.subject.name) ? true : object.subject.kind == "Group"'],
    ['binding', 'object.expiry.getFullYear() <= now.getFullYear() + 1'],
    ['binding', 'type(object.role) == string && int(now) > 0 && dyn(object.role) == 1'],
    ['workspace', '!has(object.quota) || object.quota <= 50'],
    ['workspace', 'size(object.owners) <= 2 && object.owners.all(o, o.endsWith("@example.com"))'],
    ['workspace', 'object.tags.all(k, size(object.tags[k]) == 1) && object.owners.map(o, size(o)).all(n, n > 0)'],
    ['workspace', '{"a": 1}["a"] == 1 && [1, 2, 3][0] < 2u && object.owners.filter(o, o != "x").size() >= 0'],
    ['project', 'object.name.startsWith(object.workspace) && workspace.name == object.workspace'],
    ['project', 'oldObject == null || oldObject.bindings.all(b, b.subjectKind in ["User", "Group"])'],
    [
      'tagDefinition',
      'size(object.displayName) > 0 && (!has(object.valueType.string) || object.key.matches("^[a-z]"))',
    ],
  ])('%s: %s', (target, expression) => {
    expect(compileError(policy(target, expression))).toBe('compiled');
  });
});

/** Whether a plain value is of its declared shape: every field declared, of the declared type. */
function undeclared(shape: Shape, v: unknown, at: string): string[] {
  if (v === undefined) return [];
  switch (shape.kind) {
    case 'dyn':
      return [];
    case 'string':
      return typeof v === 'string' ? [] : [`${at}: ${typeof v}, declared string`];
    case 'bool':
      return typeof v === 'boolean' ? [] : [`${at}: ${typeof v}, declared bool`];
    case 'double':
      return typeof v === 'number' ? [] : [`${at}: ${typeof v}, declared double`];
    case 'timestamp':
      return v instanceof Date ? [] : [`${at}: not a Date, declared timestamp`];
    case 'list':
      return Array.isArray(v)
        ? v.flatMap((x, i) => undeclared(shape.element, x, `${at}[${i}]`))
        : [`${at}: not a list`];
    case 'map':
      return Object.entries(v as object).flatMap(([k, x]) => undeclared(shape.value, x, `${at}[${k}]`));
    case 'record':
      if (v === null && shape.nullable) return [];
      return Object.entries(v as object).flatMap(([k, x]) =>
        shape.fields[k] ? undeclared(shape.fields[k], x, `${at}.${k}`) : [`${at}.${k}: not declared`],
      );
    default:
      return [`${at}: declared ${shape.kind}`];
  }
}

describe('the checker checks against what the evaluator fills', () => {
  it('every field of every object, workspace and project a policy sees is declared, with its type', () => {
    const estate = desired(
      [
        workspace(
          'a',
          [
            binding(OWNER, user('alice@example.com'), { expiryDate: '2026-06-30', reason: 'OPS-1 on-call' }),
            {
              ...binding('Workspace Member', user('bob')),
              subject: { ...user('bob'), invitation: { email: 'b@x.io', firstName: 'B', lastName: 'X' } },
            },
            binding('Workspace Manager', group('devs')),
          ],
          {
            tags: { environment: ['prod'] },
            projectQuota: 5,
            projects: [
              project('a', 'web', [binding('Project Admin', user('carol'), { reason: 'r' })], { deletion: 'gone' }),
            ],
          },
        ),
      ],
      {
        tagDefinitions: [
          {
            ...stringTag('meshProject', 'environment'),
            spec: { ...stringTag('meshProject', 'x').spec, sortOrder: 1, description: 'd', replicationKey: 'k' },
          },
        ],
      },
    );
    const seen = new Set<string>();
    const problems = [...policySubjects(estate)].flatMap((s) => {
      const vars = policyVariables(s.target);
      seen.add(s.target);
      return [
        ...undeclared(vars.object, s.object, `${s.target} object`),
        ...(s.workspaceView ? undeclared(vars.workspace, s.workspaceView, `${s.target} workspace`) : []),
        ...(s.projectView ? undeclared(vars.project, s.projectView, `${s.target} project`) : []),
      ];
    });
    expect(problems).toEqual([]);
    expect([...seen].sort()).toEqual(['binding', 'project', 'tagDefinition', 'workspace']);
  });

  it('of a live object, a step or the caller, a policy sees exactly the declared fields', () => {
    const live = {
      workspace: 'a',
      name: 'web',
      displayName: 'Web',
      tags: { environment: ['prod'] },
      bindings: [
        { name: 'b', workspace: 'a', subjectKind: 'User', subject: 'alice', role: 'Project Admin', uuid: 'u' },
      ],
      pendingDeletion: true,
    };
    const old = declared(policyVariables('project').oldObject, live);
    expect(old).toEqual({
      workspace: 'a',
      name: 'web',
      displayName: 'Web',
      tags: { environment: ['prod'] },
      bindings: [{ name: 'b', workspace: 'a', subjectKind: 'User', subject: 'alice', role: 'Project Admin' }],
    });
    expect(undeclared(policyVariables('project').oldObject, old, 'oldObject')).toEqual([]);
    expect(declared(policyVariables('binding').step, { kind: 'k', action: 'create', reason: 'r', id: 'x' })).toEqual({
      kind: 'k',
      action: 'create',
      reason: 'r',
    });
    expect(declared(policyVariables('tagDefinition').oldObject, live)).toBeNull();
  });
});
