/**
 * `meshform init`: scaffolds a repository for a team's workspaces as code (package.json, cdktf.json,
 * tsconfig.json, main.ts, .gitignore and the pull-request workflow), from the templates that ship
 * with the package. Existing files are never overwritten without --force; nothing is written when
 * any would be. A package.json that exists (`npm install <tarball>` writes one first) is added to,
 * never overwritten: what it already has stays.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Command } from 'commander';
import { UsageError } from '../../core/errors';
import { packageRoot, packageVersion } from '../../core/package-info';
import { type CliContext, ExitCode } from './context';

interface InitFlags {
  dir: string;
  name?: string;
  meshform?: string;
  force?: boolean;
}

/** Template → where it goes in the new repository. */
const FILES: ReadonlyArray<readonly [string, string]> = [
  ['templates/init/package.json', 'package.json'],
  ['templates/init/cdktf.json', 'cdktf.json'],
  ['templates/init/tsconfig.json', 'tsconfig.json'],
  ['templates/init/main.ts', 'main.ts'],
  ['templates/init/gitignore', '.gitignore'],
  ['examples/github-actions/meshform.yml', '.github/workflows/meshform.yml'],
];

function typescriptVersion(root: string): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    devDependencies?: Record<string, string>;
    peerDependencies?: Record<string, string>;
  };
  // TypeScript 5.x: the compiler meshform is built and tested with.
  return pkg.devDependencies?.typescript ?? '5.9.3';
}

type PackageJson = Record<string, unknown>;

/** The existing package.json with what the template adds and it lacks (key by key one level down: scripts, dependencies). */
function mergePackageJson(existing: PackageJson, template: PackageJson): PackageJson {
  const merged: PackageJson = { ...template, ...existing };
  for (const [key, value] of Object.entries(template))
    if (isObject(value) && isObject(existing[key])) merged[key] = { ...value, ...existing[key] };
  return merged;
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

function readPackageJson(file: string): PackageJson | undefined {
  if (!fs.existsSync(file)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    parsed = undefined;
  }
  if (!isObject(parsed))
    throw new UsageError(
      `package.json in ${path.dirname(file)} is not valid JSON: nothing was written`,
      'init-package-json',
    );
  return parsed;
}

/** A template with our {{placeholders}} filled in (the workflow's ${{ … }} belong to GitHub and are not templates). */
function renderTemplate(from: string, values: Record<string, string>): string {
  const raw = fs.readFileSync(path.join(packageRoot(), from), 'utf8');
  return from.startsWith('templates/') ? raw.replace(/\{\{(\w+)\}\}/g, (m, key: string) => values[key] ?? m) : raw;
}

/** The stack name: as given, else the directory's name made an identifier. */
export function stackName(dir: string, given: string | undefined): string {
  const name =
    given ??
    path
      .basename(dir)
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '');
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name))
    throw new UsageError(`--name must be lowercase letters, digits and dashes, got "${name}"`, 'bad-name');
  return name;
}

/** The sample main.ts init writes for a stack: `meshform import` may replace it without --force. */
export const sampleMain = (stackName: string) => renderTemplate('templates/init/main.ts', { stackName });

export function registerInit(program: Command, ctx: CliContext, setExit: (code: number) => void): void {
  program
    .command('init')
    .description(
      'scaffold a repository for your workspaces as code: package.json, cdktf.json, main.ts, the pull-request workflow',
    )
    .option('--dir <dir>', 'where to write', '.')
    .option('--name <name>', 'the stack name (default: the directory name)')
    .option(
      '--meshform <spec>',
      'the meshform dependency to write into package.json (a version, a git URL or a tarball path)',
    )
    .option('--force', 'overwrite files that exist')
    .action((flags: InitFlags) => {
      const dir = path.resolve(ctx.cwd, flags.dir);
      const name = stackName(dir, flags.name);
      const existingPackage = flags.force ? undefined : readPackageJson(path.join(dir, 'package.json'));
      const taken = FILES.map(([, to]) => to).filter(
        (to) => fs.existsSync(path.join(dir, to)) && !(to === 'package.json' && existingPackage),
      );
      if (taken.length && !flags.force)
        throw new UsageError(
          `${taken.join(', ')} exist${taken.length === 1 ? 's' : ''} in ${dir}: nothing was written; pass --force to overwrite`,
          'init-exists',
        );
      const values: Record<string, string> = {
        stackName: name,
        meshformDependency: flags.meshform ?? `^${packageVersion()}`,
        typescriptVersion: typescriptVersion(packageRoot()),
      };
      for (const [from, to] of FILES) {
        let text = renderTemplate(from, values);
        if (to === 'package.json' && existingPackage)
          text = `${JSON.stringify(mergePackageJson(existingPackage, JSON.parse(text) as PackageJson), null, 2)}\n`;
        fs.mkdirSync(path.dirname(path.join(dir, to)), { recursive: true });
        fs.writeFileSync(path.join(dir, to), text);
        ctx.stdout(`  ${to === 'package.json' && existingPackage ? 'updated' : 'wrote'} ${to}\n`);
      }
      ctx.stdout(
        `\nNext: npm install, then npx meshform synth and npx meshform plan (MESHSTACK_ENDPOINT, MESHSTACK_API_KEY and MESHSTACK_API_SECRET set; or a local sandbox: npx meshform sandbox).\n`,
      );
      setExit(ExitCode.OK);
    });
}
