/**
 * What a process loads at start, where the work does not need it (bench/startup.md measures the cost):
 * `meshform --help`, a command's --help and `meshform sandbox` load no command's implementation, and the
 * Terraform provider answers for its schema and validation (two of the three starts of every
 * `terraform plan`) without the planning code. Each case runs in a node process of its own and lists
 * the packages in require.cache at exit.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { MESHFORM_BIN, REPO_ROOT } from '../../helpers/cli';

/** Loaded only where planning, a platform call or a policy needs them. */
const HEAVY = ['cdktf', '@bufbuild/cel', 'axios', 'ajv', 'yaml', 'json-stable-stringify'];

/** The packages (node_modules/<name>) a node script loaded by the time it exited, and its stdout. */
function packagesLoadedBy(script: string): { packages: string[]; stdout: string } {
  const report = `process.on('exit', () => process.stderr.write('LOADED ' + JSON.stringify(Object.keys(require.cache)) + '\\n'));`;
  const run = spawnSync(process.execPath, ['-e', `${report}\n${script}`], { cwd: REPO_ROOT, encoding: 'utf8' });
  const line = /^LOADED (.*)$/m.exec(run.stderr);
  if (!line) throw new Error(`the script reported nothing: ${run.stderr}`);
  const packages = new Set<string>();
  for (const file of JSON.parse(line[1]) as string[]) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file);
    if (m) packages.add(m[1]);
  }
  return { packages: [...packages].sort(), stdout: run.stdout };
}

/** `meshform <args>` as bin/meshform runs it. */
const cli = (args: string[]) =>
  packagesLoadedBy(`process.argv = [process.execPath, ${JSON.stringify(MESHFORM_BIN)}, ...${JSON.stringify(args)}];
require(${JSON.stringify(MESHFORM_BIN)});`);

describe('a process loads what its work needs', () => {
  test.each([[['--help']], [['plan', '--help']], [['apply', '--help']], [['sandbox', '--help']]])(
    'meshform %j loads no command implementation',
    (args) => {
      const { packages, stdout } = cli(args);
      expect(stdout).toContain('Usage: meshform');
      expect(packages).toContain('commander');
      expect(packages.filter((p) => HEAVY.includes(p))).toEqual([]);
    },
  );

  test('a command that runs loads its implementation then (the check above would see it), CEL only with a policy', () => {
    const { packages } = cli(['plan', '--manifest', path.join(REPO_ROOT, 'no-such-manifest.json')]);
    expect(packages).toEqual(expect.arrayContaining(['axios', 'ajv', 'json-stable-stringify']));
    expect(packages).not.toContain('@bufbuild/cel');
  });

  test('the Terraform provider answers schema and validation without the planning code', () => {
    const dist = path.join(REPO_ROOT, 'dist');
    const { packages, stdout } = packagesLoadedBy(`
require(${JSON.stringify(path.join(dist, 'controller/cli/terraform'))});
require(${JSON.stringify(path.join(dist, 'provider/protocol/plugin-server'))});
const p = require(${JSON.stringify(path.join(dist, 'provider/provider'))}).createProvider({});
(async () => {
  const schema = await p.GetProviderSchema({});
  const valid = await p.ValidateResourceConfig({ type_name: 'meshform_workspace', config: null });
  const tags = await p.ValidateResourceConfig({ type_name: 'meshform_tag_definition', config: null });
  console.log(JSON.stringify({ resources: Object.keys(schema.resource_schemas), diagnostics: [...valid.diagnostics, ...tags.diagnostics] }));
})();`);
    expect(JSON.parse(stdout)).toEqual({
      resources: ['meshform_workspace', 'meshform_tag_definition'],
      diagnostics: [],
    });
    expect(packages).toEqual(expect.arrayContaining(['@grpc/grpc-js', '@msgpack/msgpack']));
    expect(packages.filter((p) => HEAVY.includes(p))).toEqual([]);
  });
});
