/**
 * `meshform import`: reads the live platform and writes the construct code (or the data file) that
 * declares it, so that synth then plan finds nothing to change. Its one write on the platform: the
 * imported workspaces that no stack owns are recorded as this stack's (../import/claim.ts), as
 * `terraform import` writes its state. `--check` writes nothing: it lists live workspaces the code
 * does not declare (and who owns them), declared ones whose plan has changes, and what the policies
 * (--policy / MESHFORM_POLICY, and the code's) find on the estate as imported.
 */
import * as fs from 'fs';
import * as path from 'path';
import { UsageError } from '../../core/errors';
import { printable } from '../../core/printable';
import { OWNERSHIP_TAG_DEFINITION, OWNERSHIP_TAG_KEY, owningStackOf } from '../../core/rules';
import { type LoadedManifest, readManifest } from '../../core/manifest-file';
import type { PolicySource } from '../../core/policy/policy-file';
import { policySources } from '../../core/policy/sources';
import type { Finding } from '../../schemas/plan.generated';
import { estatePolicyFindings } from '../import/policy-check';
import type { PlanOptions } from '../plan/options';
import { findingMessage } from '../render/describe';
import { type ImportedEstate, allNotes, importEstate, importLookups } from '../import/model';
import { withSubjectLookups } from '../observe/subjects';
import { type WrittenFile, typescriptFiles } from '../import/typescript';
import { yamlFiles } from '../import/yaml';
import type { ApiClient } from '../client/api';
import { claimOwnership } from '../import/claim';
import type { LiveState } from '../observe/live-state';
import { observe } from '../observe/observe';
import { planAgainst, platformNow } from '../run';
import { type CliContext, ExitCode } from './context';
import { sampleMain, stackName } from './init';
import { connectFrom, endpointOf, oneOf, planOptions } from './options';

export interface ImportFlags {
  workspace?: string[];
  all?: boolean;
  out: string;
  format: string;
  bindingManagement: string;
  name?: string;
  force?: boolean;
  check?: boolean;
  claim: boolean;
  manifest: string;
  policy?: string;
  endpoint?: string;
  apiKey?: string;
}

/** The stack name: --name, else the one `meshform init` wrote into cdktf.json, else the directory's name. */
function nameFor(dir: string, given: string | undefined): string {
  if (given !== undefined) return stackName(dir, given);
  const cdktf = path.join(dir, 'cdktf.json');
  const projectId = fs.existsSync(cdktf)
    ? (JSON.parse(fs.readFileSync(cdktf, 'utf8')) as { projectId?: unknown }).projectId
    : undefined;
  return stackName(dir, typeof projectId === 'string' ? projectId : undefined);
}

/** init's sample main.ts, untouched (for whichever stack name init wrote into it). */
function isSample(text: string): boolean {
  const stack = /new MeshStack\(app, '([a-z0-9-]+)'\)/.exec(text)?.[1];
  return stack !== undefined && text === sampleMain(stack);
}

/** Files that exist and may not be overwritten: init's untouched sample main.ts may. */
function blocked(dir: string, files: WrittenFile[]): string[] {
  return files
    .map((f) => f.path)
    .filter((p) => fs.existsSync(path.join(dir, p)))
    .filter((p) => !(p === 'main.ts' && isSample(fs.readFileSync(path.join(dir, p), 'utf8'))));
}

function summary(estate: ImportedEstate): string {
  const projects = estate.workspaces.reduce((k, w) => k + (w.entry.projects?.length ?? 0), 0);
  const bindings = estate.workspaces.reduce(
    (k, w) =>
      k + (w.entry.bindings?.length ?? 0) + (w.entry.projects ?? []).reduce((j, p) => j + (p.bindings?.length ?? 0), 0),
    0,
  );
  return `${estate.workspaces.length} workspace(s), ${projects} project(s), ${bindings} binding(s), ${estate.tagDefinitions.length} tag definition(s)`;
}

const NOTES_SHOWN = 20;

function notesSummary(estate: ImportedEstate): string {
  const notes = allNotes(estate);
  if (!notes.length) return '';
  // Platform text, made safe to print on a terminal.
  const lines = notes
    .slice(0, NOTES_SHOWN)
    .map(
      (n) => `  ${printable(`${n.workspace ? `${n.workspace}${n.project ? `/${n.project}` : ''}: ` : ''}${n.text}`)}\n`,
    );
  const more =
    notes.length > NOTES_SHOWN
      ? `  … and ${notes.length - NOTES_SHOWN} more (each is a comment where it belongs)\n`
      : '';
  return `\n${notes.length} thing(s) the code cannot say, written as comments:\n${lines.join('')}${more}`;
}

/** What --check reads before any platform call: the manifest, the plan options and the policies (a bad one stops here). */
interface CheckInput {
  readonly manifest: LoadedManifest;
  readonly options: PlanOptions;
  readonly policies: readonly PolicySource[];
}

function checkInput(ctx: CliContext, flags: ImportFlags): CheckInput {
  const manifest = readManifest(path.resolve(ctx.cwd, flags.manifest));
  const options = planOptions(ctx, flags);
  return { manifest, options, policies: policySources(manifest.state, options.policies) };
}

/** The policies' findings as the plan words them: `[workspace] message (rule: policy:<name>)`. */
function policyLines(label: string, findings: readonly Finding[]): string {
  return findings
    .map((f) => printable(`${label} [${f.workspace ?? '*'}] ${findingMessage(f)} (rule: ${f.rule})`) + '\n')
    .join('');
}

/**
 * --check: what differs between the code (its manifest) and the platform, and what the policies
 * find on the estate; 3 when a policy refuses, else 2 when anything differs.
 */
async function check(
  ctx: CliContext,
  flags: ImportFlags,
  input: CheckInput,
  api: ApiClient,
  live: LiveState,
  estate: ImportedEstate,
  stack: string,
  now: Date,
): Promise<number> {
  const { manifest } = input;
  const declared = new Set(manifest.state.workspaces.map((w) => w.metadata.name));
  const names = estate.workspaces.map((w) => w.entry.identifier);
  const undeclared = names.filter((w) => !declared.has(w));
  const both = names.filter((w) => declared.has(w));
  const plan = both.length
    ? (await planAgainst(api, manifest.state, { ...input.options, workspaces: both }, now)).plan
    : undefined;
  const differing = (plan?.workspaces ?? []).filter((w) => w.steps.length > 0);
  const owner = (w: string) => owningStackOf(live.workspaces[w].tags);
  for (const w of undeclared)
    ctx.stdout(
      printable(
        `${w}: live, not declared in ${flags.manifest} (${owner(w) === undefined ? 'no stack owns it' : `owned by stack "${owner(w)}"`})`,
      ) + '\n',
    );
  for (const w of differing)
    ctx.stdout(
      printable(
        `${w.name}: ${w.steps.length} change(s) between the code and the platform (meshform plan --workspace ${w.name} shows them)`,
      ) + '\n',
    );
  const judged = input.policies.length
    ? estatePolicyFindings(estate, live, stack, input.policies, now)
    : { refusals: [], warnings: [] };
  ctx.stdout(policyLines('refused', judged.refusals) + policyLines('warning', judged.warnings));
  ctx.stdout(
    `${undeclared.length} live workspace(s) not in the code, ${differing.length} declared workspace(s) that differ, ${both.length - differing.length} in step.\n`,
  );
  if (input.policies.length)
    ctx.stdout(
      `Policies (${input.policies.map((s) => s.source).join(', ')}) on the estate as imported: ${judged.refusals.length} refusal(s), ${judged.warnings.length} warning(s).\n`,
    );
  if (judged.refusals.length) return ExitCode.REFUSED;
  return undeclared.length || differing.length ? ExitCode.CHANGES : ExitCode.OK;
}

export async function importCommand(
  ctx: CliContext,
  setExit: (code: number) => void,
  flags: ImportFlags,
): Promise<void> {
  const format = oneOf(flags.format, ['ts', 'yaml'] as const, '--format');
  const bindingManagement = oneOf(
    flags.bindingManagement,
    ['additive', 'authoritative'] as const,
    '--binding-management',
  );
  if (Boolean(flags.all) === Boolean(flags.workspace))
    throw new UsageError('meshform import needs --all or --workspace <id> (one of them)', 'import-scope');
  const dir = path.resolve(ctx.cwd, flags.out);
  const name = nameFor(dir, flags.name);
  const checking = flags.check ? checkInput(ctx, flags) : undefined;
  const api = await connectFrom(ctx, flags);
  const now = await platformNow(api);
  const started = Date.now();
  const progress = ctx.isTTY
    ? (done: number, total: number) => ctx.stderr(`\rreading project bindings: ${done}/${total}`)
    : undefined;
  const observed = await observe(api, {
    workspaces: flags.all ? 'all' : flags.workspace!,
    now,
    ...(progress ? { onProgress: progress } : {}),
  });
  if (progress) ctx.stderr('\n');
  // Users bound by an e-mail that do not exist are pending invitations: written as invitations.
  const live = await withSubjectLookups(api, observed, importLookups(observed));
  const missing = (flags.workspace ?? []).filter((w) => !live.workspaces[w]);
  if (missing.length)
    throw new UsageError(
      `no live workspace ${missing.join(', ')} that this caller can see: nothing was written`,
      'import-missing',
    );
  const estate = importEstate(live, { bindingManagement, stack: name, adopt: !flags.claim });
  if (checking) {
    setExit(await check(ctx, flags, checking, api, live, estate, name, now));
    return;
  }
  const header = { stackName: name, endpoint: endpointOf(ctx, flags), date: now.toISOString().slice(0, 10) };
  const files = format === 'ts' ? typescriptFiles(estate, header) : yamlFiles(estate, header);
  const taken = blocked(dir, files);
  if (taken.length && !flags.force) {
    const shown = taken.slice(0, 5).join(', ') + (taken.length > 5 ? ` and ${taken.length - 5} more` : '');
    throw new UsageError(
      `${shown} exist${taken.length === 1 ? 's' : ''} in ${dir}: nothing was written; pass --force to overwrite`,
      'import-exists',
    );
  }
  for (const f of files) {
    fs.mkdirSync(path.dirname(path.join(dir, f.path)), { recursive: true });
    fs.writeFileSync(path.join(dir, f.path), f.text);
  }
  const written = `Imported ${summary(estate)} into ${path.relative(ctx.cwd, dir) || '.'} (${files.length} file(s))`;
  const claimProgress = ctx.isTTY
    ? (done: number, total: number) => ctx.stderr(`\rrecording ownership: ${done}/${total}`)
    : undefined;
  const claim = await claimOwnership(api, live, estate.unowned, name, claimProgress);
  if (claimProgress && estate.unowned.length) ctx.stderr('\n');
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  ctx.stdout(`${written}, ${seconds} s.\n${notesSummary(estate)}`);
  if (claim.claimed.length)
    ctx.stdout(
      `\nRecorded stack "${name}" as the owner of ${claim.claimed.length} workspace(s) (their ${OWNERSHIP_TAG_KEY} tag${claim.definitionCreated ? `; created the tag definition ${OWNERSHIP_TAG_DEFINITION.metadata.name}${claim.tagDefinitionsCreated.length ? `, after ${claim.tagDefinitionsCreated.length} for the tag keys found on the estate, which it makes the platform check` : ''}` : ''}).\n`,
    );
  if (claim.lost.length)
    ctx.stderr(
      `\nAnother stack recorded itself as the owner of ${claim.lost.length} workspace(s) at the same moment (the last write wins on the platform); their code is written here, and plan refuses them as owned elsewhere: remove them from this code, or settle which stack owns them:\n${claim.lost.map((l) => `  ${l.workspace}: now owned by ${l.owner === undefined ? 'no stack' : `stack "${l.owner}"`}\n`).join('')}`,
    );
  if (claim.failed.length || claim.lost.length) {
    if (claim.failed.length)
      ctx.stderr(
        `\nCould not record this stack as the owner of ${claim.failed.length} workspace(s); their code is written, and plan refuses them until they are adopted (\`meshform apply --adopt\`, or import again):\n${claim.failed.map((f) => `  ${f.workspace}: ${f.error}\n`).join('')}`,
      );
    setExit(ExitCode.ERROR);
    return;
  }
  ctx.stdout(
    `\nNext: npx meshform synth, then npx meshform plan: it shows "No changes" for everything imported${flags.claim ? '' : ' except the ownership claims (adopt: true)'}.\n`,
  );
  setExit(ExitCode.OK);
}
