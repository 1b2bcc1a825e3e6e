/**
 * The TypeScript writer's escaping: any live string becomes a literal that evaluates to itself, any
 * name a valid, unused, non-reserved identifier; nothing a platform returns can end a comment or a
 * string early.
 */
import fc from 'fast-check';
import type { ImportedEstate } from '../../../controller/import/model';
import { identifier, literal, propertyKey, valueTypeCode } from '../../../controller/import/code';
import { typescriptFiles } from '../../../controller/import/typescript';
import { TagValueType } from '../../../constructs';
import type { TagValueType as TagValueTypeJson } from '../../../schemas/desired-state.generated';

const HEADER = { stackName: 'test', endpoint: 'http://x', date: '2026-01-01' };

const anyText = fc.string({ unit: 'binary', maxLength: 40 });

describe('literal', () => {
  test('evaluates to the string it was made from, for any string', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        // eslint-disable-next-line @typescript-eslint/no-implied-eval -- evaluating the generated literal is the test
        expect(new Function(`return ${literal(s)};`)()).toBe(s);
      }),
      { numRuns: 500 },
    );
  });

  test.each([
    ["it's", "'it\\'s'"],
    ['back\\slash', "'back\\\\slash'"],
    ['line\u2028break', "'line\\u2028break'"],
    ['*/ ${x}', "'*/ ${x}'"],
  ])('%j → %s', (s, out) => {
    expect(literal(s)).toBe(out);
  });
});

describe('identifier', () => {
  test('is a valid identifier, never reserved, never one already taken', () => {
    fc.assert(
      fc.property(fc.array(anyText, { maxLength: 8 }), (names) => {
        const taken = new Set<string>(['ws', 'stack']);
        const made = names.map((n) => identifier(n, taken));
        for (const id of made) {
          expect(id).toMatch(/^[A-Za-z_$][\w$]*$/);
          // eslint-disable-next-line @typescript-eslint/no-implied-eval -- compiling the generated name is the test
          expect(() => new Function(`const ${id} = 1; return ${id};`)).not.toThrow();
        }
        expect(new Set(made).size).toBe(made.length);
        expect(made).not.toContain('ws');
      }),
      { numRuns: 300 },
    );
  });

  test.each([
    ['payments-prod', 'paymentsProd'],
    ['42-team', '_42Team'],
    ['delete', 'delete_'],
    ['', 'unnamed'],
    ['Zoë', 'zoe'],
  ])('%j → %s', (name, id) => {
    expect(identifier(name, new Set())).toBe(id);
  });

  test('a second workspace with the same name gets a number', () => {
    const taken = new Set<string>();
    expect([identifier('a-b', taken), identifier('a--b', taken), identifier('aB', taken)]).toEqual([
      'aB',
      'aB2',
      'aB3',
    ]);
  });
});

/**
 * Issue 22 (high): what the platform holds never becomes code. A value type is written only in the
 * shape meshform knows, and evaluates to what the platform holds; anything else is refused.
 */
describe('the value type a tag definition is written with', () => {
  const text = fc.string({ unit: 'binary', maxLength: 12 });
  const options = fc.array(text, { minLength: 1, maxLength: 3 }) as fc.Arbitrary<[string, ...string[]]>;
  const valueType: fc.Arbitrary<TagValueTypeJson> = fc.oneof(
    fc.record({ string: fc.record({ defaultValue: text, validationRegex: text }, { requiredKeys: [] }) }),
    fc.record({ email: fc.record({ defaultValue: text, validationRegex: text }, { requiredKeys: [] }) }),
    fc.record({ integer: fc.record({ defaultValue: fc.integer() }, { requiredKeys: [] }) }),
    fc.record({
      number: fc.record({ defaultValue: fc.double({ noNaN: true, noDefaultInfinity: true }) }, { requiredKeys: [] }),
    }),
    fc.record({ singleSelect: fc.record({ options, defaultValue: text }, { requiredKeys: ['options'] }) }),
    fc.record({ multiSelect: fc.record({ options, defaultValue: fc.array(text) }, { requiredKeys: ['options'] }) }),
  );

  test('evaluates, with the constructs, to the value type the platform holds', () => {
    fc.assert(
      fc.property(valueType, (vt) => {
        // eslint-disable-next-line @typescript-eslint/no-implied-eval -- evaluating the generated code is the test
        const made = new Function('TagValueType', `return ${valueTypeCode(vt, 'test')};`)(TagValueType) as TagValueType;
        expect(made.json).toEqual(vt);
      }),
      { numRuns: 500 },
    );
  });

  test.each([
    ['an unknown kind', { "string(); require('child_process').execSync('id'); ((": {} }],
    ['an unknown option key', { string: { "defaultValue: 'x', a: require('fs'), b": 'x' } }],
    ['a default of the wrong type', { integer: { defaultValue: '1); process.exit(1); (' } }],
    ['an inherited member as kind', { constructor: {} }],
    ['two kinds', { string: {}, email: {} }],
  ])('%s is refused with the definition named, not written', (_name, vt) => {
    const estate: ImportedEstate = {
      tagDefinitions: [
        {
          metadata: { name: 'meshWorkspace.k' },
          spec: {
            targetKind: 'meshWorkspace',
            key: 'k',
            displayName: 'K',
            valueType: vt as TagValueTypeJson,
            restricted: false,
            mandatory: false,
            immutable: false,
          },
        },
      ],
      workspaces: [],
      unowned: [],
      notes: [],
    };
    expect(() => typescriptFiles(estate, HEADER)).toThrow(/meshWorkspace\.k.*value type/);
  });
});

describe('role names that are members of every object', () => {
  test.each(['constructor', 'toString', '__proto__', 'hasOwnProperty'])('%s is written as a string', (role) => {
    const estate: ImportedEstate = {
      tagDefinitions: [],
      recertification: { [role]: 30 },
      workspaces: [
        {
          entry: {
            identifier: 'w',
            displayName: 'W',
            bindingManagement: 'additive',
            bindings: [{ role, user: 'alice' }],
            projects: [{ identifier: 'p', displayName: 'P', bindings: [{ role, user: 'alice' }] }],
          },
          notes: [],
        },
      ],
      unowned: [],
      notes: [],
    };
    const code = typescriptFiles(estate, HEADER)
      .map((f) => f.text)
      .join('\n');
    expect(code).not.toMatch(/native code|function Object/);
    expect(code).toContain(`ws.grant(${literal(role)}, `);
    expect(code).toContain(`p.grant(${literal(role)}, `);
    expect(code).toContain(`${propertyKey(role)}: 30`);
    if (role === '__proto__') expect(code).toContain("['__proto__']: 30");
  });
});

test('a pending invitation is written as User.invite, through the emitter', () => {
  const estate: ImportedEstate = {
    tagDefinitions: [],
    workspaces: [
      {
        entry: {
          identifier: 'w',
          displayName: 'W',
          bindingManagement: 'additive',
          bindings: [{ role: 'Workspace Member', invite: { firstName: "O'Brien", lastName: 'Doe', email: 'o@x.io' } }],
        },
        notes: [],
      },
    ],
    unowned: [],
    notes: [],
  };
  const ws = typescriptFiles(estate, HEADER).find((f) => f.path === 'workspaces/w.ts')!.text;
  expect(ws).toContain(
    "ws.grant(WorkspaceRole.MEMBER, User.invite({ firstName: 'O\\'Brien', lastName: 'Doe', email: 'o@x.io' }));",
  );
  expect(ws).toMatch(/import \{[^}]*\bUser\b[^}]*\} from 'meshform'/);
});
