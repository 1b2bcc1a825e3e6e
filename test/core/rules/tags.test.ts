/**
 * Tag sets against tag definitions, per target kind as the platform checks them: a kind without any
 * definition takes any tags, even when the other kind has definitions (the sandbox's writeTags looks
 * only at the definitions of the object's own kind).
 */
import { tagSetProblems } from '../../../core/rules';
import type { TagDefinition } from '../../../schemas/desired-state.generated';
import { stringTag } from '../../helpers/desired';

test.each<[string, Record<string, string[]>, TagDefinition[], 'meshWorkspace' | 'meshProject', string[]]>([
  ['no definitions at all: anything goes', { anything: ['x'] }, [], 'meshProject', []],
  [
    'definitions of the other kind only: anything goes',
    { environment: ['dev'] },
    [stringTag('meshWorkspace', 'meshformStack')],
    'meshProject',
    [],
  ],
  [
    'a definition of this kind: an undefined key is refused',
    { environment: ['dev'], team: ['a'] },
    [stringTag('meshProject', 'environment')],
    'meshProject',
    ['tag-undefined:team'],
  ],
  [
    'a mandatory key that is missing',
    {},
    [stringTag('meshWorkspace', 'costCenter', { mandatory: true })],
    'meshWorkspace',
    ['tag-mandatory:costCenter'],
  ],
  ['an empty list is no tag', { team: [] }, [stringTag('meshWorkspace', 'costCenter')], 'meshWorkspace', []],
])('%s', (_what, tags, defs, kind, problems) => {
  expect(tagSetProblems(tags, defs, kind).map((p) => `${p.rule}:${p.key}`)).toEqual(problems);
});
