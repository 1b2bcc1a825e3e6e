/**
 * The binding steps are worked out on the workspace as the platform's expiry sweep leaves it: a
 * binding that expired yesterday but is still listed does not keep its subject in the workspace.
 */
import type { LiveBinding } from '../../../controller/client/types';
import type { LiveState, LiveWorkspaceState } from '../../../controller/observe/live-state';
import { plan } from '../../../controller/plan/plan';
import { stepSummary } from '../../../controller/render/describe';
import { OWNERSHIP_TAG_DEFINITION } from '../../../core/rules';
import { MEMBER, OWNER, binding, desired, project, user, workspace } from '../../helpers/desired';
import { ownedBy } from '../../helpers/ownership';

const NOW = new Date('2026-11-25T12:00:00Z');
const day = (n: number) => new Date(NOW.getTime() + n * 86_400_000).toISOString().slice(0, 10);
const live = (subject: string, role: string, name: string, expiryDate?: string, project?: string): LiveBinding => ({
  name,
  workspace: 'ws',
  subjectKind: 'User',
  subject,
  role,
  ...(expiryDate ? { expiryDate } : {}),
  ...(project ? { project } : {}),
});

test('an Owner renewed among two Owners, whose Member binding has expired, is granted her project role again', () => {
  // GIVEN alice: Owner (ends in 5 days), Member (expired yesterday, still listed), Project User on p; bob: Owner
  const ws: LiveWorkspaceState = {
    name: 'ws',
    displayName: 'ws',
    tags: ownedBy(),
    bindings: [
      live('alice', OWNER, 'a-owner', day(5)),
      live('alice', MEMBER, 'a-member', day(-1)),
      live('bob', OWNER, 'b-owner'),
    ],
    projects: {
      p: {
        workspace: 'ws',
        name: 'p',
        displayName: 'p',
        tags: {},
        bindings: [live('alice', 'Project User', 'a-p', undefined, 'p')],
      },
    },
    pendingRequests: [],
    deletingProjects: [],
    status: { name: 'ws', status: 'active', approval: 'approved', projectQuota: null, projectCount: 1 },
  };
  const state: LiveState = {
    observedAt: NOW.toISOString(),
    platform: {
      version: '2026.34.0',
      fourEyes: { enabled: false, minApprovalCount: 1 },
      recertification: {},
      capabilities: ['role-requests', 'whoami', 'settings', 'project-binding-expiry'],
    },
    caller: { username: 'partner.admin', partner: true, workspaces: {} },
    tagDefinitions: [OWNERSHIP_TAG_DEFINITION],
    workspaces: { ws },
    usersByEmail: {},
    deletedWorkspaces: [],
  };
  // WHEN the code renews alice's Owner role and keeps her project role
  const code = desired([
    workspace('ws', [binding(OWNER, user('alice'), { expiryDate: day(40) }), binding(OWNER, user('bob'))], {
      projects: [project('ws', 'p', [binding('Project User', user('alice'))])],
    }),
  ]);
  const steps = plan(code, state, { endpoint: 'http://platform' }, NOW).workspaces.flatMap((w) =>
    w.steps.map(stepSummary),
  );

  // THEN her old Owner binding goes first (two Owners), which takes her project role: the plan grants it again
  expect(steps).toContain('grant user alice: Project User on project p');
});
