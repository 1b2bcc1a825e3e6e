/**
 * The Policy construct: carried in the manifest, judged at synth on the desired objects (a deny is
 * an error at the object's construct, a warn a warning there), a bad policy an error at its own.
 */
import { Policy, PolicyAction, PolicyTarget, TagDefinition, User, Workspace, WorkspaceRole } from '../../constructs';
import { synthOutputs, testStack, validationErrors } from '../helpers/stack';

// testStack() pins now to 2026-11-25T12:00:00Z.
const ownerExpiry = (action?: PolicyAction) => ({
  target: PolicyTarget.BINDING,
  ...(action ? { action } : {}),
  matchConditions: [{ name: 'owners', expression: 'object.role == "Workspace Owner"' }],
  validations: [
    {
      expression: 'has(object.expiry) && object.expiry - now <= duration("4320h")',
      messageExpression: '"Workspace Owner " + object.subject.name + " must expire within 180 days of now"',
    },
  ],
});

function stackWithOwner(expiryDate?: string) {
  const stack = testStack();
  const ws = new Workspace(stack, 'Team', { identifier: 'team-a' });
  const owner = ws.grant(WorkspaceRole.OWNER, User.fromUsername('alice'), expiryDate ? { expiryDate } : {});
  return { stack, ws, owner };
}

describe('Policy', () => {
  test('is written into the manifest, named from its id, deny by default; a stack without policies has no "policies"', () => {
    const { stack } = stackWithOwner('2027-01-01');
    expect(synthOutputs(stackWithOwner('2027-01-01').stack).manifest).not.toHaveProperty('policies');
    new Policy(stack, 'OwnerExpiry', ownerExpiry());
    expect(synthOutputs(stack).manifest.policies).toEqual([
      {
        name: 'owner-expiry',
        target: 'binding',
        action: 'deny',
        matchConditions: [{ name: 'owners', expression: 'object.role == "Workspace Owner"' }],
        validations: [ownerExpiry().validations[0]],
      },
    ]);
  });

  test('a deny is a synth error at the construct of the object it refuses, with the rule and the policy message', () => {
    const { stack, owner } = stackWithOwner();
    new Policy(stack, 'OwnerExpiry', ownerExpiry());
    expect(validationErrors(stack)).toEqual([
      `[${owner.node.path}] binding User:alice "Workspace Owner" in workspace team-a: Workspace Owner alice must expire within 180 days of now (rule: policy:owner-expiry; $.workspaces[0].bindings[0])`,
    ]);
  });

  test('an object the policy allows is no finding', () => {
    const { stack } = stackWithOwner('2027-03-01');
    new Policy(stack, 'OwnerExpiry', ownerExpiry());
    expect(validationErrors(stack)).toEqual([]);
  });

  test('a warn is a synth warning at the object, and the synth succeeds', () => {
    const { stack, owner } = stackWithOwner();
    new Policy(stack, 'OwnerExpiry', ownerExpiry(PolicyAction.WARN));
    expect(validationErrors(stack)).toEqual([]);
    synthOutputs(stack);
    expect(owner.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => m.data)).toEqual([
      expect.stringMatching(/Workspace Owner alice must expire within 180 days of now \(rule: policy:owner-expiry\)/),
    ]);
  });

  test('workspace and tag definition policies are reported at their constructs', () => {
    const stack = testStack();
    const ws = new Workspace(stack, 'Team', { identifier: 'team-a', tags: { costCenter: '1' } });
    ws.grant(WorkspaceRole.OWNER, User.fromUsername('alice'));
    const def = new TagDefinition(stack, 'Cost', { targetKind: 'meshWorkspace', key: 'costCenter' });
    new Policy(stack, 'CostCenter', {
      target: PolicyTarget.WORKSPACE,
      validations: [
        {
          expression: '"costCenter" in object.tags && object.tags["costCenter"][0].size() >= 4',
          message: 'a cost center has four digits',
        },
      ],
    });
    new Policy(stack, 'Described', {
      target: PolicyTarget.TAG_DEFINITION,
      validations: [{ expression: 'has(object.description)', message: 'describe every tag' }],
    });
    expect(validationErrors(stack)).toEqual([
      `[${ws.node.path}] workspace team-a: a cost center has four digits (rule: policy:cost-center; $.workspaces[0])`,
      `[${def.node.path}] tag definition meshWorkspace.costCenter: describe every tag (rule: policy:described; $.tagDefinitions[0])`,
    ]);
  });

  test('what synth does not know is null: a policy reading oldObject or step without a guard refuses, one guarded passes', () => {
    const { stack, owner } = stackWithOwner('2027-01-01');
    new Policy(stack, 'Unguarded', {
      target: PolicyTarget.BINDING,
      validations: [{ expression: 'oldObject.role == object.role' }],
    });
    new Policy(stack, 'Guarded', {
      target: PolicyTarget.BINDING,
      matchConditions: [{ expression: 'step != null' }],
      validations: [{ expression: 'oldObject != null && oldObject.role == object.role' }],
    });
    expect(validationErrors(stack)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^\\[${owner.node.path}\\] binding User:alice .*: the policy failed on it \\(validations\\[0\\]: .*rule: policy:unguarded`,
        ),
      ),
    ]);
  });

  test('a bad policy is an error at its own construct: a CEL syntax error with its position, a bad name, a duplicate', () => {
    const { stack } = stackWithOwner('2027-01-01');
    const bad = new Policy(stack, 'Broken', {
      target: PolicyTarget.BINDING,
      validations: [{ expression: 'object.role == "a" && )' }],
    });
    const badName = new Policy(stack, 'Named', { ...ownerExpiry(), policyName: 'Not A Name' });
    const one = new Policy(stack, 'One', { ...ownerExpiry(), policyName: 'twice' });
    const two = new Policy(stack, 'Two', { ...ownerExpiry(), policyName: 'twice' });
    expect(validationErrors(stack)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^\\[${bad.node.path}\\] policy "broken": validations\\[0\\]\\.expression .* is not valid CEL at line 1, column 20`,
        ),
      ),
      expect.stringMatching(new RegExp(`^\\[${badName.node.path}\\] policy "Not A Name": name must match pattern`)),
      `[${one.node.path}] policy "twice" is declared 2 times: ${one.node.path}, ${two.node.path}`,
      `[${two.node.path}] policy "twice" is declared 2 times: ${one.node.path}, ${two.node.path}`,
    ]);
  });
});
