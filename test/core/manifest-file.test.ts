import * as fs from 'fs';
import * as path from 'path';
import { isInvalidFileError, isUsageError } from '../../core/errors';
import { checkDesiredState, loadDesiredState } from '../../core/manifest-file';

const fixture = (name: string) => path.join(__dirname, '..', 'fixtures', name, 'meshform.json');
const NOW = new Date('2026-11-25T12:00:00Z');

function problemsOf(name: string): Array<{ path: string; rule: string }> {
  try {
    loadDesiredState(fixture(name), NOW);
  } catch (e) {
    if (isInvalidFileError(e)) return e.problems.map(({ path: p, rule }) => ({ path: p, rule }));
    throw e;
  }
  throw new Error(`${name} was accepted`);
}

describe('loadDesiredState', () => {
  test('loads a valid manifest', () => {
    const { state, warnings } = loadDesiredState(fixture('valid-minimal'), NOW);
    expect(state.workspaces[0].metadata.name).toBe('team-a');
    expect(warnings).toEqual([]);
  });

  test.each([
    ['invalid-owner-group', [{ path: '$.workspaces[0].bindings[0]', rule: 'owner-group' }]],
    ['invalid-quota', [{ path: '$.workspaces[0].spec.projectQuota', rule: 'schema:minimum' }]],
    [
      'invalid-unknown-field',
      [
        { path: '$.workspaces[0].spec.colour', rule: 'schema:additionalProperties' },
        { path: '$.workspaces[0].bindings[0].roleRef.name', rule: 'schema:enum' },
      ],
    ],
    ['invalid-json', [{ path: '$', rule: 'json' }]],
  ])('fails on %s naming the JSON path and rule', (name, expected) => {
    expect(problemsOf(name)).toEqual(expect.arrayContaining(expected));
  });

  test('the error message names the file, the path and the rule', () => {
    expect(() => loadDesiredState(fixture('invalid-unknown-field'), NOW)).toThrow(
      /invalid-unknown-field\/meshform.json is not a valid meshform manifest.*\n.*\$\.workspaces\[0\]\.spec\.colour: is not a known property \(rule: schema:additionalProperties\)/,
    );
  });

  test('platform rules run after the schema: three owners name the bindings list and the rule', () => {
    const state = JSON.parse(fs.readFileSync(fixture('valid-minimal'), 'utf8'));
    const three = {
      ...state,
      workspaces: [
        {
          ...state.workspaces[0],
          bindings: ['a', 'b', 'c'].map((n) => ({
            roleRef: { name: 'Workspace Owner' },
            subject: { kind: 'User', name: n },
          })),
        },
      ],
    };
    expect(() => checkDesiredState(three, 'inline', NOW)).toThrow(
      /\$\.workspaces\[0\]\.bindings: workspace "team-a" declares 3 Workspace Owners.*\(rule: owner-limit\)/,
    );
  });

  test('a missing file is a usage error that says what to do', () => {
    let err: unknown;
    try {
      loadDesiredState('/nonexistent/meshform.json', NOW);
    } catch (e) {
      err = e;
    }
    expect(isUsageError(err)).toBe(true);
    expect((err as Error).message).toMatch(/does not exist\. Run `meshform synth` first/);
  });
});
