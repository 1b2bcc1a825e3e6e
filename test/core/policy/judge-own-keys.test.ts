/** The result cache keys a read by what the object holds itself: a tag named like an Object member ("constructor") is a tag, never inherited. */
import { judgeDesired } from '../../../core/policy/judge';
import { compilePolicy } from '../../../core/policy/policy';
import { desired, workspace } from '../../helpers/desired';

// Two workspaces judged in one plan: only "b" has the tag key "constructor"; a deny policy requires it.
test('a workspace tagged "constructor" is judged on its own tags, not on the cached result of another', () => {
  const policy = compilePolicy({
    name: 'needs-constructor-tag',
    target: 'workspace',
    action: 'deny',
    validations: [{ expression: '"constructor" in object.tags' }],
  });
  const d = desired([workspace('a', [], { tags: {} }), workspace('b', [], { tags: { constructor: ['x'] } })]);
  const refused = judgeDesired(d, [policy], { now: new Date('2026-12-01T00:00:00Z') }).map((v) => v.params.object);
  // Only "a" lacks the key.
  expect(refused).toEqual([expect.stringContaining('a')]);
});

test('the reverse order: a workspace without the key passes unseen after one that has it', () => {
  const policy = compilePolicy({
    name: 'needs-constructor-tag',
    target: 'workspace',
    action: 'deny',
    validations: [{ expression: '"constructor" in object.tags' }],
  });
  const d = desired([workspace('a', [], { tags: { constructor: ['x'] } }), workspace('b', [], { tags: {} })]);
  const refused = judgeDesired(d, [policy], { now: new Date('2026-12-01T00:00:00Z') }).map((v) => v.params.object);
  expect(refused).toEqual(['workspace b']);
});
