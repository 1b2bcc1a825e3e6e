/**
 * `meshform plan --detailed-exitcode` while a declared deletion waits for the platform: the plan shows
 * the waiting step (and for what it waits), and the exit code says there is a change still to make,
 * until the platform has finished and the workspace is gone (issue 20).
 */
import { apply } from '../../../controller/apply/apply';
import { planExitCode } from '../../../controller/cli/plan';
import { FakePlatform } from '../../../controller/client/fake-client';
import { planAgainst } from '../../../controller/run';
import { OWNER, binding, desired, project, user, workspace } from '../../helpers/desired';
import { createOwnedWorkspace } from '../../helpers/ownership';

test('a declared deletion waiting for its projects exits 2, and 0 once the workspace is gone', async () => {
  const fake = new FakePlatform();
  const api = fake.client();
  await createOwnedWorkspace(api, { name: 'gone' });
  await api.bindings.create({ name: 'b', workspace: 'gone', subjectKind: 'User', subject: 'alice', role: OWNER });
  await api.projects.create({ workspace: 'gone', name: 'old', displayName: 'old', tags: {} });
  const code = desired([
    workspace('gone', [binding(OWNER, user('alice'))], {
      deletion: 'team dissolved',
      projects: [project('gone', 'old', [], { deletion: 'obsolete' })],
    }),
  ]);
  const planNow = async () => (await planAgainst(api, code, { endpoint: 'fake' }, fake.clock)).plan;

  const first = await planNow();
  expect(first.workspaces[0].steps.map((s) => [s.kind, s.action, 'waitsFor' in s ? s.waitsFor : undefined])).toEqual([
    ['project', 'delete', undefined],
    ['workspace', 'delete', ['old']],
  ]);
  expect((await apply(api, first)).counts).toMatchObject({ applied: 1, waiting: 1 });

  // The project's deletion is pending: "No changes" would make a CI job believe it is done.
  const waiting = await planNow();
  expect(waiting.workspaces[0].steps).toMatchObject([{ kind: 'workspace', action: 'delete', waitsFor: ['old'] }]);
  expect(planExitCode(waiting, true)).toBe(2);

  fake.clock = new Date(fake.clock.getTime() + fake.settings.projectDeletionDelayMs);
  const ready = await planNow();
  expect(ready.workspaces[0].steps).toEqual([expect.not.objectContaining({ waitsFor: expect.anything() })]);
  expect((await apply(api, ready)).counts).toMatchObject({ applied: 1, waiting: 0 });
  expect(planExitCode(await planNow(), true)).toBe(0);
});
