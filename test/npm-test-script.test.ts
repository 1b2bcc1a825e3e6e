/**
 * `npm test`'s script (package.json): arguments after `npm test --` reach jest unchanged, and a failing
 * job fails `npm test`. Run in a scratch package with the same scripts, its jobs replaced by stubs:
 * lint, the build and the smoke are `node -e`, jest a script that records its arguments.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { REPO_ROOT } from './helpers/cli';
import { scratchDir } from './helpers/scratch';

const JOBS = ['lint', 'build', 'test:node-smoke'];

function scratchPackage(): string {
  const dir = scratchDir('npm-test-script');
  const { scripts } = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const stub = 'node -e "process.exit(Number(process.env.STUB_FAIL === process.env.npm_lifecycle_event))"';
  for (const job of JOBS) scripts[job] = stub;
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'scratch', version: '0.0.0', scripts }));
  const bin = path.join(dir, 'node_modules', '.bin');
  fs.mkdirSync(bin, { recursive: true });
  fs.symlinkSync(path.join(REPO_ROOT, 'node_modules', 'concurrently'), path.join(dir, 'node_modules', 'concurrently'));
  fs.symlinkSync(path.join('..', 'concurrently', 'dist', 'bin', 'concurrently.js'), path.join(bin, 'concurrently'));
  const jest = path.join(bin, 'jest');
  fs.writeFileSync(
    jest,
    `#!${process.execPath}\nrequire('fs').writeFileSync('jest-args.json', JSON.stringify(process.argv.slice(2)));\n` +
      `process.exit(Number(process.env.STUB_FAIL === 'jest'));\n`,
  );
  fs.chmodSync(jest, 0o755);
  return dir;
}

describe('npm test', () => {
  const dir = scratchPackage();
  const npmTest = (args: string[], fail?: string) =>
    spawnSync('npm', ['test', '--', ...args], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, STUB_FAIL: fail ?? '' },
    });

  test('passes its arguments to jest as given (quotes, apostrophes and $ in a -t pattern), and succeeds when every job does', () => {
    const args = ['test/a.test.ts', '-t', `the provider's "schema" costs $5$`, '--runInBand'];
    expect(npmTest(args).status).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'jest-args.json'), 'utf8'))).toEqual(args);
  });

  // A failing build stops `npm run build && …` in the shell before any test: not run here.
  test.each(['lint', 'jest', 'test:node-smoke'])('fails when %s fails', (job) => {
    expect(npmTest([], job).status).not.toBe(0);
  });
});
