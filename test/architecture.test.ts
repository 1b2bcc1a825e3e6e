/**
 * The architecture, checked: which part may import which (the sandbox stands in for meshStack and
 * shares no code with what it checks; the controller never imports the sandbox; the CLI's entry
 * point composes them), and the rulebook: rule ids, role names and rule sentences live in core/rules.
 */
import * as fs from 'fs';
import * as path from 'path';
import { RULES } from '../core/rules';

const ROOT = path.resolve(__dirname, '..');

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sources(rel));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

/** The folders a file imports from, relative to the repository root. */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  const specs = [...text.matchAll(/(?:from|import\()\s*'(\.[^']+)'/g)].map((m) => m[1]);
  return specs.map((s) => path.relative(ROOT, path.resolve(path.dirname(path.join(ROOT, file)), s)).split(path.sep)[0]);
}

const offenders = (dir: string, banned: string[]) =>
  sources(dir).flatMap((f) =>
    importsOf(f)
      .filter((top) => banned.includes(top))
      .map((top) => `${f} imports ${top}/`),
  );

describe('architecture', () => {
  test('the controller never imports the sandbox', () => {
    expect(offenders('controller', ['sandbox'])).toEqual([]);
  });

  test('the sandbox shares no code with what it checks (core, controller, constructs, schemas)', () => {
    expect(offenders('sandbox', ['core', 'controller', 'constructs', 'schemas'])).toEqual([]);
  });

  test('the Terraform provider builds on the constructs and the controller, never on the sandbox', () => {
    expect(offenders('provider', ['sandbox'])).toEqual([]);
  });

  test('constructs import neither the controller nor the sandbox', () => {
    expect(offenders('constructs', ['controller', 'sandbox'])).toEqual([]);
  });

  test("only the entry point, the demo and the benchmarks' platform compose the controller with the sandbox", () => {
    const composers = [
      ...sources('bin'),
      ...sources('demo'),
      ...sources('bench'),
      ...sources('core'),
      ...sources('schemas'),
      ...sources('examples'),
    ].filter((f) => importsOf(f).includes('sandbox') && importsOf(f).includes('controller'));
    // The benchmarks start the sandbox they measure against (bench/platform.ts), as the demo does.
    expect(composers.sort()).toEqual(['bench/platform.ts', 'bin/program.ts', 'demo/run.ts']);
  });

  test('rule ids appear outside core/rules only as typed references into the catalogue', () => {
    const ids = Object.keys(RULES);
    const untyped: string[] = [];
    for (const f of [
      ...sources('controller'),
      ...sources('constructs'),
      ...sources('provider'),
      ...sources('core').filter((f) => !f.startsWith('core/rules/')),
      ...sources('bin'),
    ]) {
      const text = fs.readFileSync(path.join(ROOT, f), 'utf8');
      for (const id of ids) {
        for (const m of text.matchAll(new RegExp(`'${id}'`, 'g'))) {
          const before = text.slice(Math.max(0, m.index - 40), m.index);
          // finding(…)/report(…)/constructFinding(…) take a RuleId: the compiler checks it against the catalogue.
          if (
            !/(finding|report|constructFinding|add|refusal)\(\s*$/.test(before) &&
            !/refused\(\s*\w+,\s*$/.test(before) &&
            !/rule === $/.test(before)
          )
            untyped.push(`${f}: '${id}'`);
        }
      }
    }
    expect(untyped).toEqual([]);
  });

  test('role names are spelled in core/rules only', () => {
    const roles = [
      'Workspace Owner',
      'Workspace Manager',
      'Workspace Member',
      'Project Admin',
      'Project User',
      'Project Reader',
    ];
    const spelled = [
      ...sources('controller'),
      ...sources('constructs'),
      ...sources('provider'),
      ...sources('core').filter((f) => !f.startsWith('core/rules/')),
      ...sources('bin'),
    ].flatMap((f) => {
      const text = fs.readFileSync(path.join(ROOT, f), 'utf8');
      return roles.filter((r) => text.includes(`'${r}'`)).map((r) => `${f}: '${r}'`);
    });
    expect(spelled).toEqual([]);
  });
});
