import { Quota, Workspace } from '../../constructs';
import { synthOutputs, testStack, validationErrors } from '../helpers/stack';

describe('Quota', () => {
  test('sets the workspace project quota', () => {
    const stack = testStack();
    const ws = new Workspace(stack, 'Team', { identifier: 'team-a' });
    new Quota(stack, 'Q', { workspace: ws, maxProjects: 4 });
    expect(synthOutputs(stack).manifest.workspaces[0].spec.projectQuota).toBe(4);
  });

  test('a quota equal to the number of projects is fine; deleted projects do not count', () => {
    const stack = testStack();
    const ws = new Workspace(stack, 'Team', { identifier: 'team-a', projectQuota: 1 });
    ws.addProject('A', { identifier: 'a' });
    ws.addProject('B', { identifier: 'b', deletion: { reason: 'gone' } });
    expect(validationErrors(stack)).toEqual([]);
  });

  test('fails when the quota is lower than the declared projects', () => {
    const stack = testStack();
    const ws = new Workspace(stack, 'Team', { identifier: 'team-a', projectQuota: 1 });
    ws.addProject('A', { identifier: 'a' });
    ws.addProject('B', { identifier: 'b' });
    expect(validationErrors(stack)).toEqual([
      expect.stringMatching(
        /^\[test\/Team\/ProjectQuota\] .*quota of 1 but declares 2 projects.*rule: quota-below-projects/,
      ),
    ]);
  });

  test('fails with two quotas for one workspace', () => {
    const stack = testStack();
    const ws = new Workspace(stack, 'Team', { identifier: 'team-a', projectQuota: 2 });
    new Quota(stack, 'Extra', { workspace: ws, maxProjects: 3 });
    expect(validationErrors(stack)).toEqual([expect.stringMatching(/has 2 project quotas.*rule: quota-duplicate/)]);
  });

  test.each([[-1], [1.5]])('fails on a quota of %s', (maxProjects) => {
    const stack = testStack();
    const ws = new Workspace(stack, 'Team', { identifier: 'team-a' });
    new Quota(stack, 'Q', { workspace: ws, maxProjects });
    expect(validationErrors(stack)).toEqual([
      expect.stringMatching(
        /^\[test\/Q\] project quota must be a whole number >= 0, got -?[\d.]+\..*rule: quota-value/,
      ),
    ]);
  });

  test('fails on a quota for a referenced workspace', () => {
    const stack = testStack();
    const ws = Workspace.fromWorkspaceName(stack, 'Legacy', 'legacy');
    new Quota(stack, 'Q', { workspace: ws, maxProjects: 3 });
    expect(validationErrors(stack)).toEqual([expect.stringMatching(/rule: quota-referenced/)]);
  });
});
