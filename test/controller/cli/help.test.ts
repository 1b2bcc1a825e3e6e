import * as fs from 'fs';
import * as path from 'path';
import { ExitCode } from '../../../controller/cli/context';
import { REPO_ROOT, meshform } from '../../helpers/cli';

/** Every environment variable meshform's own code reads. */
function variablesRead(): string[] {
  const found = new Set<string>();
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.endsWith('.ts'))
        for (const m of fs.readFileSync(p, 'utf8').matchAll(/\b(MESHSTACK|MESHFORM)_[A-Z_]+/g)) found.add(m[0]);
    }
  };
  for (const d of ['bin', 'controller', 'core', 'provider']) walk(path.join(REPO_ROOT, d));
  return [...found].sort();
}

describe('meshform --help', () => {
  test('lists every exit code and every environment variable meshform reads', async () => {
    const help = await meshform(['--help'], { cwd: REPO_ROOT });
    expect(help.code).toBe(0);
    for (const code of Object.values(ExitCode)) expect(help.stdout).toMatch(new RegExp(`^  ${code}  \\S`, 'm'));
    const vars = variablesRead();
    expect(vars.length).toBeGreaterThanOrEqual(9);
    expect(vars.filter((v) => !help.stdout.includes(v))).toEqual([]);
  });
});

describe('meshform plan|apply|reconcile --help', () => {
  test.each(['plan', 'apply', 'reconcile'])(
    '%s --help lists the exit codes and says where the secret comes from',
    async (command) => {
      const help = await meshform([command, '--help'], { cwd: REPO_ROOT });
      expect(help.code).toBe(0);
      for (const code of Object.values(ExitCode)) expect(help.stdout).toMatch(new RegExp(`^  ${code}  \\S`, 'm'));
      expect(help.stdout).toMatch(/MESHSTACK_API_SECRET/);
      expect(help.stdout).toMatch(/MESHSTACK_API_TOKEN/);
      expect(help.stdout).toMatch(/loopback/);
    },
  );
});
