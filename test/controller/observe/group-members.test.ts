/**
 * Under 4-eyes the members of a group holding Workspace Manager approve a user's grant too. The plan
 * reads them where it needs them; where the key cannot (the platform answers 403, or the key is only
 * a Member of the workspace), they are unknown, not empty: the plan does not predict an approval it
 * cannot know, and says which group it could not read.
 */
import type { ApiClient } from '../../../controller/client/api';
import { FakePlatform } from '../../../controller/client/fake-client';
import { isGrant } from '../../../controller/plan/steps';
import { planAgainst } from '../../../controller/run';
import { ApiError } from '../../../core/errors';
import type { GrantStep, Plan } from '../../../schemas/plan.generated';
import { MANAGER, MEMBER, OWNER, binding, desired, group, user, workspace } from '../../helpers/desired';
import { createOwnedWorkspace } from '../../helpers/ownership';

const STATE = desired([
  workspace('gm', [
    binding(OWNER, user('alice')),
    binding(MANAGER, group('admins')),
    binding(MEMBER, user('dave')),
    binding(MEMBER, user('carol')),
  ]),
]);

async function platformWithAdmins(): Promise<FakePlatform> {
  const platform = new FakePlatform();
  const partner = platform.client();
  await createOwnedWorkspace(partner, { name: 'gm' });
  platform.groups.set('gm.admins', ['bob']);
  const bind = (subjectKind: 'User' | 'Group', subject: string, role: string) =>
    partner.bindings.create({ name: `gm-${subject}`, workspace: 'gm', subjectKind, subject, role });
  await bind('User', 'alice', OWNER);
  await bind('Group', 'admins', MANAGER);
  await bind('User', 'dave', MEMBER);
  platform.fourEyes = { enabled: true, minApprovalCount: 2 };
  return platform;
}

/** The client, with the group list answered by `list` (and its calls counted). */
function withGroups(api: ApiClient, list: ApiClient['groups']['list']): { api: ApiClient; calls: () => number } {
  let calls = 0;
  const wrapped = Object.assign(Object.create(Object.getPrototypeOf(api)) as ApiClient, api, {
    groups: { list: (ws: string) => (calls++, list(ws)) },
  });
  return { api: wrapped, calls: () => calls };
}

const plan = async (api: ApiClient, platform: FakePlatform): Promise<Plan> =>
  (await planAgainst(api, STATE, { endpoint: 'memory://' }, platform.clock)).plan;
const carolsGrant = (p: Plan) =>
  p.workspaces[0].steps.find((s): s is GrantStep => isGrant(s) && s.grant.subject.name === 'carol');
const unread = (p: Plan) =>
  [...p.warnings, ...p.workspaces.flatMap((w) => w.notes)].filter((f) => f.rule === 'group-members-unread');

describe("a managing group's members under 4-eyes", () => {
  test("are read where a user is granted: alice's grant waits for bob, a member of admins", async () => {
    const platform = await platformWithAdmins();
    const { api, calls } = withGroups(platform.client('alice'), (ws) => platform.client('alice').groups.list(ws));
    const p = await plan(api, platform);
    expect(calls()).toBe(1);
    expect(carolsGrant(p)).toMatchObject({ approval: 'needs-approval', approvers: ['bob', 'a partner'] });
    expect(unread(p)).toEqual([]);
  });

  test('that the key may not read (403) are unknown: the grant is assumed to wait, and the plan names the group', async () => {
    const platform = await platformWithAdmins();
    const { api } = withGroups(platform.client('alice'), async () => {
      throw new ApiError('GET', '/api/meshobjects/meshworkspaceusergroups', 403, 'Forbidden', false);
    });
    const p = await plan(api, platform);
    expect(p.refusals).toEqual([]);
    expect(carolsGrant(p)).toMatchObject({ approval: 'needs-approval', approvers: ['a partner'] });
    expect(unread(p).map((f) => f.params)).toEqual([{ workspace: 'gm', step: carolsGrant(p)!.id, groups: ['admins'] }]);
  });

  test("that the key did not see (a group missing from the list it reads) are unknown, not empty: alice's grant is not predicted to pass", async () => {
    const platform = await platformWithAdmins();
    const { api } = withGroups(platform.client('alice'), async () => []);
    const p = await plan(api, platform);
    expect(carolsGrant(p)).toMatchObject({ approval: 'needs-approval', approvers: ['a partner'] });
    expect(unread(p).map((f) => (f.params as { groups: string[] }).groups)).toEqual([['admins']]);
  });

  test("are not read with a Member's key, and not taken as empty", async () => {
    const platform = await platformWithAdmins();
    const { api, calls } = withGroups(platform.client('dave'), (ws) => platform.client('dave').groups.list(ws));
    const { live } = await planAgainst(api, STATE, { endpoint: 'memory://' }, platform.clock);
    expect(calls()).toBe(0);
    expect(live.workspaces.gm.unread).toEqual(['projects', 'group-members']);
    expect(live.workspaces.gm.groupMembers).toBeUndefined();
  });
});
