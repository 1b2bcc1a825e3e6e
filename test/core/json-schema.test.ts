import { toJsonPath, validateAgainst } from '../../core/json-schema';

describe('toJsonPath', () => {
  test.each([
    ['', '$'],
    ['/workspaces/0/bindings/12', '$.workspaces[0].bindings[12]'],
    ['/workspaces/0/metadata/tags/cost center', '$.workspaces[0].metadata.tags["cost center"]'],
    ['/a~1b/c~0d', '$["a/b"]["c~d"]'],
  ])('%j → %s', (pointer, expected) => {
    expect(toJsonPath(pointer)).toBe(expected);
  });
});

describe('validateAgainst', () => {
  test('reports a missing required property at its own path', () => {
    const problems = validateAgainst('desired-state.schema.json', {
      apiVersion: 'meshform.io/v1',
      kind: 'DesiredState',
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        { path: '$.metadata', rule: 'schema:required', message: 'is required' },
        { path: '$.workspaces', rule: 'schema:required', message: 'is required' },
      ]),
    );
  });

  test('reports a wrong apiVersion with the expected value', () => {
    const problems = validateAgainst('desired-state.schema.json', { apiVersion: 'v2' });
    expect(problems).toContainEqual({
      path: '$.apiVersion',
      rule: 'schema:const',
      message: 'must be "meshform.io/v1", got "v2"',
    });
  });

  test('names the bad value, not only the allowed ones', () => {
    const problems = validateAgainst('desired-state.schema.json', {
      apiVersion: 'meshform.io/v1',
      kind: 'DesiredState',
      metadata: { name: 'team' },
      workspaces: [
        {
          metadata: { name: 'payments' },
          spec: { ownership: 'owned', bindingManagement: 'authoritative' },
          bindings: [{ roleRef: { name: 'Workspace Manger' }, subject: { kind: 'User', name: 'bob' } }],
        },
      ],
    });
    expect(problems).toContainEqual({
      path: '$.workspaces[0].bindings[0].roleRef.name',
      rule: 'schema:enum',
      message: 'must be one of "Workspace Owner", "Workspace Manager", "Workspace Member", got "Workspace Manger"',
    });
  });
});
