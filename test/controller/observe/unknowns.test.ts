/**
 * A fact observe could not read is unknown, not empty: a key that is a Workspace Member only through a
 * group sees none of the workspace's projects, and its plan must not create the projects it cannot see.
 */
import { apply } from '../../../controller/apply/apply';
import { planAgainst } from '../../../controller/run';
import { stepSummary } from '../../../controller/render/describe';
import type { Plan } from '../../../schemas/plan.generated';
import { MEMBER, OWNER, binding, desired, group, project, user, workspace } from '../../helpers/desired';
import { PLATFORMS, type TestPlatform } from '../../helpers/platforms';
import { createOwnedWorkspace } from '../../helpers/ownership';
import { PARTNER } from '../../helpers/sandbox';

/** A workspace user group comes from the identity provider's sync: set here as meshPanel's sync would. */
async function setGroup(platform: TestPlatform, ws: string, name: string, members: string[]): Promise<void> {
  const p = platform as TestPlatform & {
    fake?: { groups: Map<string, string[]> };
    fixture?: { as(key: string): { ext(method: string, path: string, body?: unknown): Promise<unknown> } };
  };
  if (p.fake) p.fake.groups.set(`${ws}.${name}`, members);
  else await p.fixture!.as(PARTNER).ext('PUT', `/workspaces/${ws}/groups/${name}`, { members });
}

// The sandbox and the fake (not the meshstack profile, which does not say who calls).
describe.each(PLATFORMS.filter(([name]) => name === 'sandbox' || name === 'fake'))(
  'facts a key cannot read, against the %s',
  (_name, make) => {
    let platform: TestPlatform;
    beforeAll(async () => {
      platform = await make();
    });
    afterAll(() => platform.close());

    const planAs = async (key: string, state: ReturnType<typeof desired>): Promise<Plan> =>
      (await planAgainst(platform.client(key), state, { endpoint: platform.endpoint }, await platform.now())).plan;
    const steps = (p: Plan) => p.workspaces.flatMap((w) => w.steps.map((s) => `${s.action} ${stepSummary(s)}`));

    test("a Member through a group does not see the workspace's projects: its plan says so and creates none", async () => {
      // GIVEN a workspace with a project, where dave is a Member only through the group "devs"
      const state = desired([
        workspace('unk-team', [binding(OWNER, user('alice')), binding(MEMBER, group('devs'))], {
          projects: [project('unk-team', 'web', [binding('Project Admin', user('alice'))])],
        }),
      ]);
      const partner = platform.client(PARTNER);
      await createOwnedWorkspace(partner, { name: 'unk-team' });
      await setGroup(platform, 'unk-team', 'devs', ['dave']);
      const first = await planAs(PARTNER, state);
      expect(first.refusals).toEqual([]);
      expect((await apply(partner, first)).counts.failed).toBe(0);
      expect(steps(await planAs(PARTNER, state))).toEqual([]);

      // WHEN dave's key plans the same code
      const plan = await planAs('dave', state);

      // THEN it plans no project that exists, and names what it could not see
      expect(steps(plan).filter((s) => s.includes('project'))).toEqual([]);
      expect(
        [...plan.refusals, ...plan.warnings, ...plan.workspaces.flatMap((w) => w.notes)].map((f) => f.rule),
      ).toContain('projects-not-visible');
    });

    test("a Member's key does not know who is in the workspace's groups: unread, not empty", async () => {
      // GIVEN the workspace above, where dave is a Member through "devs"
      const state = desired([workspace('unk-team', [binding(OWNER, user('alice')), binding(MEMBER, group('devs'))])]);

      // WHEN dave's key observes it for a plan
      const { live } = await planAgainst(
        platform.client('dave'),
        state,
        { endpoint: platform.endpoint },
        await platform.now(),
      );

      // THEN the groups' members are marked unread, and none are taken as read
      expect(live.workspaces['unk-team'].unread).toEqual(['projects', 'group-members']);
      expect(live.workspaces['unk-team'].groupMembers).toBeUndefined();
    });

    test('a Member sees the projects it holds a role on, and no other; a Manager sees all', async () => {
      const partner = platform.client(PARTNER);
      await createOwnedWorkspace(partner, { name: 'unk-seen' });
      for (const name of ['web', 'api'])
        await partner.projects.create({ workspace: 'unk-seen', name, displayName: name, tags: {} });
      const grant = (subject: string, role: string, project?: string) =>
        partner.bindings.create({
          name: `unk-seen-${subject}-${project ?? 'ws'}`,
          workspace: 'unk-seen',
          ...(project ? { project } : {}),
          subjectKind: 'User',
          subject,
          role,
        });
      await grant('bob', 'Workspace Manager');
      await grant('carol', MEMBER);
      await grant('carol', 'Project User', 'web');
      const seen = async (key: string) =>
        (await platform.client(key).projects.list({ workspace: 'unk-seen' })).map((p) => p.name).sort();
      expect(await seen('carol')).toEqual(['web']);
      expect(await platform.client('carol').bindings.listProjectBindings('unk-seen', 'api')).toEqual([]);
      expect(await seen('bob')).toEqual(['api', 'web']);
      // Nor the events of projects it does not see.
      await grant('bob', 'Project Admin', 'api');
      const projectsIn = async (key: string) =>
        [...new Set((await platform.client(key).extensions.events('unk-seen')).map((e) => e.project))]
          .filter((p) => p !== undefined && p !== null)
          .sort();
      expect(await projectsIn('carol')).toEqual(['web']);
      expect(await projectsIn('bob')).toEqual(['api', 'web']);
    });

    test("a Member sees a project its group holds a role on (seed 004: a group's members get its rights)", async () => {
      // GIVEN erin, a Member, and the group "qa" she is in, which holds a project role on "api" only
      const partner = platform.client(PARTNER);
      await createOwnedWorkspace(partner, { name: 'unk-group' });
      for (const name of ['web', 'api'])
        await partner.projects.create({ workspace: 'unk-group', name, displayName: name, tags: {} });
      await setGroup(platform, 'unk-group', 'qa', ['erin']);
      const grant = (subjectKind: 'User' | 'Group', subject: string, role: string, project?: string) =>
        partner.bindings.create({
          name: `unk-group-${subject}-${project ?? 'ws'}`,
          workspace: 'unk-group',
          ...(project ? { project } : {}),
          subjectKind,
          subject,
          role,
        });
      await grant('User', 'erin', MEMBER);
      await grant('Group', 'qa', MEMBER);
      await grant('Group', 'qa', 'Project User', 'api');

      // WHEN erin lists the workspace's projects
      const seen = (await platform.client('erin').projects.list({ workspace: 'unk-group' })).map((p) => p.name);

      // THEN she sees "api" through her group, and not "web"
      expect(seen.sort()).toEqual(['api']);
    });
  },
);
