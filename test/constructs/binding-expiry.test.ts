import { ProjectRole, RolePolicy, User, Workspace, WorkspaceRole } from '../../constructs';
import { synthOutputs, testStack, validationErrors } from '../helpers/stack';

// testStack() pins now to 2026-11-25T12:00:00Z.
function stackWithPolicy(maxDurationDays: Record<string, number>) {
  const stack = testStack();
  new RolePolicy(stack, 'Policy', { maxDurationDays });
  const ws = new Workspace(stack, 'Team', { identifier: 'team-a' });
  return { stack, ws };
}

describe('binding expiry and recertification', () => {
  test('a Date expiry is written as an RFC 3339 date-time', () => {
    const stack = testStack();
    const ws = new Workspace(stack, 'Team', { identifier: 'team-a' });
    ws.grant(WorkspaceRole.MEMBER, User.fromUsername('x'), { expiryDate: new Date('2026-12-01T18:30:00Z') });
    expect(synthOutputs(stack).manifest.workspaces[0].bindings[0].expiryDate).toBe('2026-12-01T18:30:00.000Z');
  });

  test('the role policy is written sorted into the manifest', () => {
    const { stack } = stackWithPolicy({ 'Workspace Owner': 180, 'Project Admin': 30 });
    expect(synthOutputs(stack).manifest.rolePolicy).toEqual({
      recertification: [
        { role: 'Project Admin', maxDurationDays: 30 },
        { role: 'Workspace Owner', maxDurationDays: 180 },
      ],
    });
  });

  test('fails when a role with a maximum duration has no expiry', () => {
    const { stack, ws } = stackWithPolicy({ 'Workspace Owner': 180 });
    const b = ws.grant(WorkspaceRole.OWNER, User.fromUsername('alice'));
    expect(validationErrors(stack)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^\\[${b.node.path}\\] user "alice" as "Workspace Owner": the role requires an expiry date.*180 days.*rule: expiry-required`,
        ),
      ),
    ]);
  });

  test.each([
    ['on the last allowed day', '2027-05-24', []],
    ['one day past the maximum', '2027-05-25', ['expiry-beyond-recertification']],
    ['a date-time within the maximum', '2027-05-24T11:00:00Z', []],
    ['a date-time past the maximum', '2027-05-24T13:00:00Z', ['expiry-beyond-recertification']],
  ])('expiry %s (%s) against a 180-day maximum', (_name, expiryDate, rules) => {
    const { stack, ws } = stackWithPolicy({ 'Workspace Owner': 180 });
    ws.grant(WorkspaceRole.OWNER, User.fromUsername('alice'), { expiryDate });
    expect(validationErrors(stack).map((e) => /rule: ([\w-]+)/.exec(e)?.[1])).toEqual(rules);
  });

  test('the maximum also applies to project roles', () => {
    const { stack, ws } = stackWithPolicy({ 'Project Admin': 7 });
    ws.grant(WorkspaceRole.MEMBER, User.fromUsername('eve'));
    ws.addProject('P', { identifier: 'p' }).grant(ProjectRole.ADMIN, User.fromUsername('eve'), {
      expiryDate: '2026-12-31',
    });
    expect(validationErrors(stack)).toEqual([
      expect.stringMatching(
        /user "eve" as "Project Admin" on project "p" until 2026-12-31: the platform allows at most 7 days.*rule: expiry-beyond-recertification/,
      ),
    ]);
  });

  test('an expiry in the past is a warning, not an error, and the binding stays in the manifest', () => {
    const stack = testStack();
    const ws = new Workspace(stack, 'Team', { identifier: 'team-a' });
    const b = ws.grant(WorkspaceRole.MEMBER, User.fromUsername('old'), { expiryDate: '2026-11-01' });
    expect(validationErrors(stack)).toEqual([]);
    const { manifest } = synthOutputs(stack);
    expect(manifest.workspaces[0].bindings[0].expiryDate).toBe('2026-11-01');
    expect(b.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => m.data)).toEqual([
      expect.stringMatching(/2026-11-01 has passed.*rule: expiry-past/),
    ]);
  });

  test('an expired Owner does not count towards the owner limit', () => {
    const stack = testStack();
    const ws = new Workspace(stack, 'Team', { identifier: 'team-a' });
    ws.grant(WorkspaceRole.OWNER, User.fromUsername('a'));
    ws.grant(WorkspaceRole.OWNER, User.fromUsername('b'));
    ws.grant(WorkspaceRole.OWNER, User.fromUsername('c'), { expiryDate: '2026-11-24' });
    expect(validationErrors(stack)).toEqual([]);
  });

  test.each([['2026-02-30'], ['2026-13-01']])('fails on an impossible date %s', (expiryDate) => {
    const stack = testStack();
    const ws = new Workspace(stack, 'Team', { identifier: 'team-a' });
    ws.grant(WorkspaceRole.MEMBER, User.fromUsername('x'), { expiryDate });
    expect(validationErrors(stack)).toEqual([expect.stringMatching(/rule: (expiry-invalid|schema:pattern)/)]);
  });

  test('fails on a recertification maximum that is not a positive whole number', () => {
    const stack = testStack();
    new RolePolicy(stack, 'Policy', { maxDurationDays: { 'Workspace Owner': 0 } });
    expect(validationErrors(stack)).toEqual([
      expect.stringMatching(
        /^\[test\/Policy\] maximum duration of "Workspace Owner" must be a whole number.*rule: recertification-days/,
      ),
    ]);
  });
});
