/**
 * The binding steps are worked out on the workspace as the platform's expiry sweep leaves it: a
 * binding that expired yesterday but is still listed does not keep its subject in the workspace.
 */
import { plan } from '../../../controller/plan/plan';
import { stepSummary } from '../../../controller/render/describe';
import { MEMBER, OWNER, binding, desired, project, user, workspace } from '../../helpers/desired';
import { ownedBy } from '../../helpers/ownership';
import { NOW, liveBinding, liveState, liveWorkspace } from '../../helpers/rule-context';

const day = (n: number) => new Date(NOW.getTime() + n * 86_400_000).toISOString().slice(0, 10);

test('an Owner renewed among two Owners, whose Member binding has expired, is granted her project role again', () => {
  // GIVEN alice: Owner (ends in 5 days), Member (expired yesterday, still listed), Project User on p; bob: Owner
  const ws = liveWorkspace(
    [
      liveBinding('alice', OWNER, { expiryDate: day(5) }),
      liveBinding('alice', MEMBER, { expiryDate: day(-1) }),
      liveBinding('bob', OWNER),
    ],
    {
      tags: ownedBy(),
      projects: {
        p: {
          workspace: 'w',
          name: 'p',
          displayName: 'p',
          tags: {},
          bindings: [liveBinding('alice', 'Project User', { project: 'p' })],
        },
      },
      status: { name: 'w', status: 'active', approval: 'approved', projectQuota: null, projectCount: 1 },
    },
  );
  // WHEN the code renews alice's Owner role and keeps her project role
  const code = desired([
    workspace('w', [binding(OWNER, user('alice'), { expiryDate: day(40) }), binding(OWNER, user('bob'))], {
      projects: [project('w', 'p', [binding('Project User', user('alice'))])],
    }),
  ]);
  const steps = plan(code, liveState([ws]), { endpoint: 'http://platform' }, NOW).workspaces.flatMap((w) =>
    w.steps.map(stepSummary),
  );

  // THEN her old Owner binding goes first (two Owners), which takes her project role: the plan grants it again
  expect(steps).toContain('grant user alice: Project User on project p');
});
