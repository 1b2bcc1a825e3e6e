import {
  ShapeError,
  normalizeTagDefinition,
  normalizeBinding,
  normalizeProject,
  normalizeTags,
  normalizeWorkspace,
} from '../../../controller/client/wire';

describe('normalizers', () => {
  test.each([
    ['missing tags are no tags', undefined, {}],
    ['null tags are no tags', null, {}],
    ['keys are sorted', { b: ['1'], a: ['2'] }, { a: ['2'], b: ['1'] }],
    ['an empty list is no tag (meshStack drops it)', { a: [], b: ['1'] }, { b: ['1'] }],
  ])('tags: %s', (_name, input, expected) => {
    expect(normalizeTags(input, 'tags')).toEqual(expected);
    expect(Object.keys(normalizeTags(input, 'tags'))).toEqual(Object.keys(expected));
  });

  test.each([
    ['a string instead of a list', { a: 'x' }],
    ['numbers in the list', { a: [1] }],
    ['a list instead of an object', [['a']]],
  ])('tags: %s is a shape error', (_name, input) => {
    expect(() => normalizeTags(input, 'tags')).toThrow(ShapeError);
  });

  test('tags: keys that are members of every object are tags like any other', () => {
    const tags = normalizeTags(JSON.parse('{"__proto__":["a"],"constructor":["b"]}'), 'tags');
    expect(Object.keys(tags)).toEqual(['__proto__', 'constructor']);
    expect(Object.getPrototypeOf(tags)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(tags, '__proto__')?.value).toEqual(['a']);
  });

  test('workspace: drops what the server adds (createdOn, links), keeps what meshform owns', () => {
    expect(
      normalizeWorkspace({
        apiVersion: 'v2',
        kind: 'meshWorkspace',
        metadata: { name: 'a', tags: { x: ['1'] }, createdOn: '2026-01-01T00:00:00Z' },
        spec: { displayName: 'A', platformBuilderAccessEnabled: false },
        _links: {},
      }),
    ).toEqual({ name: 'a', displayName: 'A', tags: { x: ['1'] }, deleted: false });
  });

  test('workspace: a deletedOn marks it deleted', () => {
    expect(
      normalizeWorkspace({
        metadata: { name: 'a', tags: {}, deletedOn: '2026-01-01T00:00:00Z' },
        spec: { displayName: 'A' },
      }).deleted,
    ).toBe(true);
  });

  test('project: tags come from spec.tags', () => {
    expect(
      normalizeProject({
        metadata: { name: 'p', ownedByWorkspace: 'a' },
        spec: { displayName: 'P', tags: { env: ['dev'] } },
      }),
    ).toEqual({ workspace: 'a', name: 'p', displayName: 'P', tags: { env: ['dev'] } });
  });

  test.each([
    [
      'a workspace user binding',
      {
        kind: 'meshWorkspaceUserBinding',
        metadata: { name: 'b' },
        targetRef: { name: 'a', displayName: 'A' },
        roleRef: { name: 'Workspace Member' },
        subject: { name: 'bob' },
        expiryDate: '2027-01-01',
      },
      {
        name: 'b',
        workspace: 'a',
        subjectKind: 'User',
        subject: 'bob',
        role: 'Workspace Member',
        expiryDate: '2027-01-01',
      },
    ],
    [
      'a project group binding',
      {
        kind: 'meshProjectGroupBinding',
        metadata: { name: 'g' },
        targetRef: { name: 'p', ownedByWorkspace: 'a' },
        roleRef: { name: 'Project Reader' },
        subject: { name: 'devs' },
      },
      { name: 'g', workspace: 'a', project: 'p', subjectKind: 'Group', subject: 'devs', role: 'Project Reader' },
    ],
  ])('binding: %s', (_name, input, expected) => {
    expect(normalizeBinding(input)).toEqual(expected);
  });

  test.each([
    ['an unknown kind', { kind: 'meshTenant', metadata: { name: 'x' } }],
    [
      'a missing subject',
      { kind: 'meshWorkspaceUserBinding', metadata: { name: 'b' }, targetRef: { name: 'a' }, roleRef: { name: 'r' } },
    ],
    [
      'a numeric expiry',
      {
        kind: 'meshWorkspaceUserBinding',
        metadata: { name: 'b' },
        targetRef: { name: 'a' },
        roleRef: { name: 'r' },
        subject: { name: 's' },
        expiryDate: 5,
      },
    ],
  ])('binding: %s is a shape error', (_name, input) => {
    expect(() => normalizeBinding(input)).toThrow(ShapeError);
  });
});

/**
 * A tag definition's value type is written into the code `meshform import` generates: only the
 * shape meshform knows gets through (issue 22, high), whatever key or kind a server invents.
 */
describe('tag definition value type', () => {
  const def = (valueType: unknown) => ({
    kind: 'meshTagDefinition',
    metadata: { name: 'meshWorkspace.k' },
    spec: { targetKind: 'meshWorkspace', key: 'k', displayName: 'K', valueType },
  });

  test.each([
    ['an unknown kind', { "string(); require('child_process').execSync('id'); ((": {} }],
    ['an unknown option key', { string: { "defaultValue: 'x', a: require('fs'), b": 'x' } }],
    ['a default of the wrong type', { integer: { defaultValue: '1); process.exit(1); (' } }],
    ['two kinds at once', { string: {}, email: {} }],
    ['no kind', {}],
    ['select options that are not strings', { singleSelect: { options: [{ toString: 1 }] } }],
    ['an inherited member as kind', { constructor: {} }],
  ])('%s is a shape error naming the value type', (_name, valueType) => {
    expect(() => normalizeTagDefinition(def(valueType))).toThrow(ShapeError);
    expect(() => normalizeTagDefinition(def(valueType))).toThrow(/meshTagDefinition\.spec\.valueType/);
  });

  test.each([
    [{ string: { validationRegex: '^[0-9]{4}$', defaultValue: "it's" } }],
    [{ integer: { defaultValue: 7 } }],
    [{ multiSelect: { options: ['a', 'b'], defaultValue: ['a'] } }],
    [{ email: {} }],
  ])('%j is kept as it is', (valueType) => {
    expect(normalizeTagDefinition(def(valueType)).spec.valueType).toEqual(valueType);
  });
});
