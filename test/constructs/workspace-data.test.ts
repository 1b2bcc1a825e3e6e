/**
 * Workspaces as data: a file declares the same manifest as the constructs written by hand, and a
 * bad file names the JSON path and the rule.
 */
import * as fs from 'fs';
import * as path from 'path';
import {
  BindingManagement,
  Group,
  ProjectRole,
  User,
  Workspace,
  WorkspaceRole,
  addWorkspaces,
  readWorkspaceData,
} from '../../constructs';
import { isInvalidFileError } from '../../core/errors';
import { synthOutputs, testStack } from '../helpers/stack';
import { scratchDir } from '../helpers/scratch';

const dir = scratchDir('data');
const file = (name: string, text: string) => {
  fs.writeFileSync(path.join(dir, name), text);
  return path.join(dir, name);
};

test('a data file declares what the same constructs written by hand declare', () => {
  const data = readWorkspaceData(
    file(
      'ok.yaml',
      `workspaces:
  - identifier: pay
    displayName: Payments
    tags: { costCenter: "4711", labels: [a, b] }
    projectQuota: 3
    bindingManagement: additive
    bindings:
      - { role: Workspace Owner, user: alice }
      - { role: Workspace Member, group: devs, expiryDate: "2027-06-30" }
      - { role: Workspace Member, invite: { firstName: Fay, lastName: New, email: fay@example.com } }
    projects:
      - identifier: pay-dev
        tags: { environment: dev }
        bindings: [{ role: Project User, group: devs }]
`,
    ),
  );
  const fromData = testStack();
  addWorkspaces(fromData, data);
  const byHand = testStack();
  const ws = new Workspace(byHand, 'pay', {
    identifier: 'pay',
    displayName: 'Payments',
    tags: { costCenter: '4711', labels: ['a', 'b'] },
    projectQuota: 3,
    bindingManagement: BindingManagement.ADDITIVE,
  });
  ws.grant(WorkspaceRole.OWNER, User.fromUsername('alice'));
  ws.grant(WorkspaceRole.MEMBER, Group.fromGroupName('devs'), { expiryDate: '2027-06-30' });
  ws.grant(WorkspaceRole.MEMBER, User.invite({ firstName: 'Fay', lastName: 'New', email: 'fay@example.com' }));
  ws.addProject('pay-dev', { identifier: 'pay-dev', tags: { environment: 'dev' } }).grant(
    ProjectRole.USER,
    Group.fromGroupName('devs'),
  );
  expect(synthOutputs(fromData).manifest.workspaces).toEqual(synthOutputs(byHand).manifest.workspaces);
});

test.each([
  [
    'two subjects',
    'workspaces:\n  - identifier: x\n    bindings: [{ role: Workspace Owner, user: a, group: b }]\n',
    /\$\.workspaces\[0\]\.bindings\[0\]: needs exactly one of user, group or invite \(has 2\) \(rule: binding-subject\)/,
  ],
  [
    'a project role on the workspace',
    'workspaces:\n  - identifier: x\n    bindings: [{ role: Project Admin, user: a }]\n',
    /\$\.workspaces\[0\]\.bindings\[0\]\.role: must be one of "Workspace Owner", "Workspace Manager", "Workspace Member", got "Project Admin" \(rule: workspace-role\)/,
  ],
  [
    'an unknown field',
    'workspaces:\n  - identifier: x\n    owner: a\n',
    /\$\.workspaces\[0\]\.owner: is not a known property \(rule: schema:additionalProperties\)/,
  ],
  ['not YAML', 'workspaces: [\n', /\$: .* \(rule: yaml\)/],
])('%s: the error names the path and the rule', (_what, text, message) => {
  const f = file('bad.yaml', text);
  let error: unknown;
  try {
    readWorkspaceData(f);
  } catch (e) {
    error = e;
  }
  expect(isInvalidFileError(error)).toBe(true);
  expect((error as Error).message).toMatch(message);
  expect((error as Error).message).toContain(`${f} is not a valid workspace data file`);
});
