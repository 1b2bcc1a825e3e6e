import type { ApplyReport } from '../../../controller/apply/apply';
import type { LiveState } from '../../../controller/observe/live-state';
import { plan } from '../../../controller/plan/plan';
import { renderPlanMarkdown } from '../../../controller/render/markdown';
import { renderApplyText, renderPlanText } from '../../../controller/render/text';
import { MANAGER, MEMBER, OWNER, binding, desired, project, user, workspace } from '../../helpers/desired';

const NOW = new Date('2026-11-25T12:00:00Z');
const live: LiveState = {
  observedAt: NOW.toISOString(),
  platform: { version: '2026.34.0', fourEyes: { enabled: true, minApprovalCount: 2 }, recertification: {}, capabilities: ['workspace-quota', 'workspace-status', 'whoami'] },
  caller: { username: 'bob', partner: false, workspaces: { payments: [MANAGER] } },
  tagDefinitions: [],
  usersByEmail: {},
  workspaces: {
    payments: {
      name: 'payments',
      displayName: 'Payments',
      tags: {},
      status: { name: 'payments', status: 'active', approval: 'approved', projectQuota: 5, projectCount: 1 },
      pendingRequests: [],
      deletingProjects: [],
      bindings: [
        { name: 'b1', workspace: 'payments', subjectKind: 'User', subject: 'alice', role: OWNER },
        { name: 'b2', workspace: 'payments', subjectKind: 'User', subject: 'bob', role: MANAGER },
        { name: 'b3', workspace: 'payments', subjectKind: 'User', subject: 'mallory', role: MEMBER },
        { name: 'b4', workspace: 'payments', subjectKind: 'User', subject: 'erin', role: MEMBER, expiryDate: '2026-11-20' },
      ],
      projects: { prod: { workspace: 'payments', name: 'prod', displayName: 'prod', tags: {}, bindings: [] } },
    },
  },
};
const state = desired([
  workspace('payments', [binding(OWNER, user('alice')), binding(MANAGER, user('bob')), binding(MEMBER, user('carol'), { reason: 'new hire' }), binding(MEMBER, user('erin'), { expiryDate: '2026-11-20' })], {
    displayName: 'Payments Team',
    projects: [project('payments', 'prod', [binding('Project Reader', user('bob'))])],
  }),
]);
const p = plan(state, live, { endpoint: 'https://meshstack.example.com' }, NOW);

describe('renderers', () => {
  test('text: Terraform-like lines per workspace and the summary line, no colour without a terminal', () => {
    const text = renderPlanText(p, { color: false });
    expect(text).not.toMatch(/\u001b\[/);
    expect(text).toMatchInlineSnapshot(`
"meshStack 2026.34.0 at https://meshstack.example.com; 4-eyes on, as bob

  # workspace payments
  ~ update workspace payments display name "Payments" → "Payments Team"
  - remove user erin: Workspace Member until 2026-11-20 (expired)
  - remove user mallory: Workspace Member (not in code)
  + grant user carol: Workspace Member (new hire)  [needs a second approval: alice, a partner]
  + grant user bob: Project Reader on project prod  [needs a second approval: alice, a partner]

Plan: 2 to add, 1 to change, 1 to remove, 1 expired; 2 need a second approval.
"
`);
  });

  test('text: colour on a terminal', () => {
    const pc = require('picocolors');
    if (pc.isColorSupported) expect(renderPlanText(p, { color: true })).toMatch(/\u001b\[/);
    expect(renderPlanText(p, { color: true }).replace(/\u001b\[[0-9;]*m/g, '')).toBe(renderPlanText(p, { color: false }));
  });

  test('markdown: a summary table, warnings for removals, approvals explained, collapsible details', () => {
    expect(renderPlanMarkdown(p)).toMatchSnapshot();
  });

  test('apply report: one line per step and the counts', () => {
    const report: ApplyReport = {
      results: [
        { id: '1', workspace: 'payments', summary: 'grant user carol: Workspace Member', status: 'pending-approval', requestId: 'r-1' },
        { id: '2', workspace: 'payments', summary: 'remove user mallory: Workspace Member', status: 'applied' },
        { id: '3', workspace: 'payments', summary: 'create project web', status: 'failed', error: { code: 'api-403', message: 'create failed: POST /api/meshobjects/meshprojects failed: 403 denied', class: 'terminal' } },
        { id: '4', workspace: 'payments', summary: 'grant user bob: Project Admin on project web', status: 'skipped', error: { code: 'skipped', message: 'skipped after "create project web" failed', class: 'skipped' } },
      ],
      counts: { applied: 1, 'pending-approval': 1, failed: 1, skipped: 1 },
    };
    expect(renderApplyText(report, { color: false })).toMatchInlineSnapshot(`
"  … grant user carol: Workspace Member (waiting for a second approval, request r-1)
  ✓ remove user mallory: Workspace Member
  ✗ create project web: create failed: POST /api/meshobjects/meshprojects failed: 403 denied
  - grant user bob: Project Admin on project web: skipped after "create project web" failed

Apply: 1 applied, 1 waiting for a second approval, 1 failed, 1 skipped.
Grants waiting for approval take effect when another Workspace Manager (or a partner) approves them: \`meshform requests list\`.
Nothing that failed or was skipped was changed; fix the cause and run again: apply converges.
"
`);
  });
});
