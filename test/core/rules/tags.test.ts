/**
 * Tag sets against tag definitions, per target kind as the platform checks them: a kind without any
 * definition takes any tags, even when the other kind has definitions (the sandbox's writeTags looks
 * only at the definitions of the object's own kind).
 */
import { tagSetProblems } from '../../../core/rules';
import type { TagDefinition } from '../../../schemas/desired-state.generated';

const def = (
  targetKind: 'meshWorkspace' | 'meshProject',
  key: string,
  extra: Partial<TagDefinition['spec']> = {},
): TagDefinition => ({
  metadata: { name: `${targetKind}.${key}` },
  spec: {
    targetKind,
    key,
    displayName: key,
    valueType: { string: {} },
    restricted: false,
    mandatory: false,
    immutable: false,
    ...extra,
  },
});

test.each<[string, Record<string, string[]>, TagDefinition[], 'meshWorkspace' | 'meshProject', string[]]>([
  ['no definitions at all: anything goes', { anything: ['x'] }, [], 'meshProject', []],
  [
    'definitions of the other kind only: anything goes',
    { environment: ['dev'] },
    [def('meshWorkspace', 'meshformStack')],
    'meshProject',
    [],
  ],
  [
    'a definition of this kind: an undefined key is refused',
    { environment: ['dev'], team: ['a'] },
    [def('meshProject', 'environment')],
    'meshProject',
    ['tag-undefined:team'],
  ],
  [
    'a mandatory key that is missing',
    {},
    [def('meshWorkspace', 'costCenter', { mandatory: true })],
    'meshWorkspace',
    ['tag-mandatory:costCenter'],
  ],
  ['an empty list is no tag', { team: [] }, [def('meshWorkspace', 'costCenter')], 'meshWorkspace', []],
])('%s', (_what, tags, defs, kind, problems) => {
  expect(tagSetProblems(tags, defs, kind).map((p) => `${p.rule}:${p.key}`)).toEqual(problems);
});
