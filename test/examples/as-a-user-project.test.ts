/**
 * The shipped examples are what a team copies into its own repository: each compiles there, against
 * the installed package, with the compiler options `cdktf init` writes (CommonJS) and with those
 * `meshform init` writes (node16). The project holds what npm installs: meshform with its
 * dependencies hoisted beside it, and @types/node (a devDependency of cdktf init's projects).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import * as library from '../../constructs';
import { REPO_ROOT, linkMeshform } from '../helpers/cli';
import { scratchDir } from '../helpers/scratch';

const EXAMPLES = ['basic/main.ts', 'emergency-access/main.ts', 'estate/main.ts'];

const SETTINGS: ReadonlyArray<readonly [string, ts.CompilerOptions]> = [
  [
    "cdktf init's tsconfig",
    {
      module: ts.ModuleKind.CommonJS,
      moduleResolution: ts.ModuleResolutionKind.Node10,
      target: ts.ScriptTarget.ES2018,
    },
  ],
  [
    "meshform init's tsconfig",
    { module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16, target: ts.ScriptTarget.ES2022 },
  ],
];

test.each(SETTINGS)("the examples compile in a user's project with %s", (_name, options) => {
  const project = scratchDir('example-as-user');
  linkMeshform(project);
  for (const dependency of ['constructs', 'yaml', '@types/node']) {
    fs.mkdirSync(path.dirname(path.join(project, 'node_modules', dependency)), { recursive: true });
    fs.symlinkSync(path.join(REPO_ROOT, 'node_modules', dependency), path.join(project, 'node_modules', dependency));
  }
  const files = EXAMPLES.map((example) => {
    const to = path.join(project, example.replace('/', '-'));
    fs.copyFileSync(path.join(REPO_ROOT, 'examples', example), to);
    return to;
  });
  const program = ts.createProgram(files, {
    ...options,
    strict: true,
    skipLibCheck: true,
    noEmit: true,
    types: ['node'],
  });
  const errors = ts
    .getPreEmitDiagnostics(program)
    .map((d) => `${path.basename(d.file?.fileName ?? '')}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
  expect(errors).toEqual([]);
});

test("the package's main export is the construct library, without the constructs' internals", () => {
  const exported = Object.keys(library);
  expect(exported).toEqual(expect.arrayContaining(['MeshStack', 'Workspace', 'User', 'WorkspaceRole', 'Tags']));
  const internals = [
    'workspaceInternals',
    'projectInternals',
    'addManifestValidation',
    'NOW_CONTEXT_KEY',
    'MANIFEST_FILE',
  ];
  expect(exported.filter((name) => internals.includes(name))).toEqual([]);
});
