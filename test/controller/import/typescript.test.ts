/**
 * The TypeScript writer's escaping: any live string becomes a literal that evaluates to itself, any
 * name a valid, unused, non-reserved identifier; nothing a platform returns can end a comment or a
 * string early.
 */
import fc from 'fast-check';
import { identifier, literal } from '../../../controller/import/typescript';

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
