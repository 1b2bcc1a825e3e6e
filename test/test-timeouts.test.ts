/**
 * No test sets a timeout of its own: jest.config.js's is a hang guard of 15 minutes, and a shorter
 * one made a test's verdict depend on how busy the machine is (the crash trials failed at 60 s under
 * load, though nothing was wrong).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const TEST_DIR = __dirname;

function testFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? testFiles(path.join(dir, e.name)) : e.name.endsWith('.test.ts') ? [path.join(dir, e.name)] : [],
    );
}

/** `test`, `it`, `beforeAll`, … also as `test.each(…)`, `test.only`: the name the call starts from. */
function rootName(callee: ts.Expression): string | undefined {
  if (ts.isIdentifier(callee)) return callee.text;
  if (ts.isPropertyAccessExpression(callee)) return rootName(callee.expression);
  if (ts.isCallExpression(callee)) return rootName(callee.expression);
  return undefined;
}

const TAKES_TIMEOUT = new Set(['test', 'it', 'beforeAll', 'beforeEach', 'afterAll', 'afterEach']);

/** Where a file sets a timeout: a test or hook given one, or jest.setTimeout. */
function ownTimeouts(file: string): string[] {
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node)) {
      const name = rootName(node.expression);
      const isHook = ['beforeAll', 'beforeEach', 'afterAll', 'afterEach'].includes(name ?? '');
      const timeoutAt = isHook ? 1 : 2;
      const setTimeout =
        ts.isPropertyAccessExpression(node.expression) && node.expression.getText() === 'jest.setTimeout';
      if (setTimeout || (name && TAKES_TIMEOUT.has(name) && node.arguments.length > timeoutAt)) {
        const { line } = source.getLineAndCharacterOfPosition(node.getStart());
        found.push(`${path.relative(TEST_DIR, file)}:${line + 1}`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

test('no test, hook or file sets its own timeout: jest.config.js has the only one, a hang guard', () => {
  expect(testFiles(TEST_DIR).flatMap(ownTimeouts)).toEqual([]);
});
