/**
 * The steps plan, apply and reconcile share (commands/common-flags declares their flags): read the manifest (every
 * check that needs no clock, before any platform call), connect, take the command's one "now" (the
 * platform's clock where it has one), and check the expiries against it.
 */
import * as path from 'path';
import { parseDuration } from '../../core/duration';
import { UsageError } from '../../core/errors';
import { DAY_MS } from '../../core/expiry';
import { type LoadedManifest, checkTimedRules, readManifest } from '../../core/manifest-file';
import { loadPolicyFile } from '../../core/policy/policy-file';
import { policySources } from '../../core/policy/sources';
import type { ApiClient } from '../client/api';
import { connect, resolveConnection } from '../client/connection';
import { changedWorkspaces } from '../plan/changed';
import type { PlanOptions } from '../plan/plan';
import { platformNow } from '../run';
import type { CliContext } from './context';
import type { CommonFlags } from './commands/common-flags';

function expiringWithin(value: string | undefined): Pick<PlanOptions, 'expiringWithinMs'> {
  if (value === undefined) return {};
  const ms = parseDuration(value);
  if (ms === undefined || ms <= 0)
    throw new UsageError(`--expiring-within must be a duration such as 30d, 12h or 90m, got "${value}"`);
  return { expiringWithinMs: ms };
}

export function endpointOf(ctx: CliContext, flags: Pick<CommonFlags, 'endpoint' | 'apiKey'>): string {
  return resolveConnection(ctx.env, { endpoint: flags.endpoint, apiKey: flags.apiKey }).endpoint;
}

export function connectFrom(ctx: CliContext, flags: Pick<CommonFlags, 'endpoint' | 'apiKey'>): Promise<ApiClient> {
  return connect(ctx.env, { endpoint: flags.endpoint, apiKey: flags.apiKey });
}

export function planOptions(ctx: CliContext, flags: CommonFlags): PlanOptions {
  return {
    endpoint: endpointOf(ctx, flags),
    ...(flags.workspace ? { workspaces: flags.workspace } : {}),
    allowLastOwnerRemoval: flags.allowLastOwnerRemoval === true,
    allowSelfLockout: flags.allowSelfLockout === true,
    allowFewerApprovers: flags.allowFewerApprovers === true,
    ...(flags.adopt ? { adoptUnowned: true } : {}),
    ...(flags.tagDefinitionsOnly ? { tagDefinitionsOnly: true } : {}),
    ...expiringWithin(flags.expiringWithin),
    ...policiesOf(ctx, flags),
  };
}

/** The organisation's policies, read and compiled before any platform call: a bad one stops the command here. */
function policiesOf(ctx: CliContext, flags: CommonFlags): Pick<PlanOptions, 'policies'> {
  const file = flags.policy ?? ctx.env.MESHFORM_POLICY;
  return file ? { policies: [loadPolicyFile(file, ctx.cwd)] } : {};
}

export function oneOf<T extends string>(value: string, allowed: readonly T[], flag: string): T {
  if (!allowed.includes(value as T))
    throw new UsageError(`${flag} must be one of ${allowed.join(', ')}, got "${value}"`);
  return value as T;
}

/** What a command works with: the manifest checked against the command's one "now", a client, plan options. */
export interface Session {
  readonly api: ApiClient;
  readonly now: Date;
  readonly manifest: LoadedManifest;
  readonly options: PlanOptions;
}

/** The manifest as read, before anything is called: a bad one is a usage error with no platform call. */
function readManifestFile(ctx: CliContext, flags: CommonFlags): LoadedManifest {
  return readManifest(path.resolve(ctx.cwd, flags.manifest));
}

/** The timed checks with `now`, printing the manifest's warnings. */
function checkAt(ctx: CliContext, manifest: LoadedManifest, now: Date): LoadedManifest {
  const checked = checkTimedRules(manifest, now);
  for (const w of checked.warnings) ctx.stderr(`warning: ${w.path}: ${w.message} (rule: ${w.rule})\n`);
  return checked;
}

export async function openSession(ctx: CliContext, flags: CommonFlags, api?: ApiClient): Promise<Session> {
  const manifest = readManifestFile(ctx, flags);
  const base = flags.changedFrom === undefined ? undefined : readManifest(path.resolve(ctx.cwd, flags.changedFrom));
  const options = planOptions(ctx, flags);
  // The code's policies, compiled and checked against the organisation's here: a bad one costs no platform call.
  policySources(manifest.state, options.policies);
  const client = api ?? (await connectFrom(ctx, flags));
  const now = await platformNow(client);
  return {
    api: client,
    now,
    manifest: checkAt(ctx, manifest, now),
    options: base ? scopedTo(ctx, options, base, manifest, flags, now) : options,
  };
}

/** Bindings this close to their end are planned even in unchanged workspaces (the next run may come after it). */
const DEFAULT_CHANGED_FROM_HORIZON_MS = DAY_MS;

const CHANGED_EVERYTHING = {
  'tag-definitions': 'tag definitions',
  'role-policy': 'role policy',
  'stack-name': "stack's name (every workspace's owner)",
} as const;

/** `--changed-from`: only the workspaces whose code changed since the base manifest, or with an expiry due. */
function scopedTo(
  ctx: CliContext,
  options: PlanOptions,
  base: LoadedManifest,
  manifest: LoadedManifest,
  flags: CommonFlags,
  now: Date,
): PlanOptions {
  const scope = changedWorkspaces(
    base.state,
    manifest.state,
    now,
    options.expiringWithinMs ?? DEFAULT_CHANGED_FROM_HORIZON_MS,
  );
  if (scope.everything) {
    ctx.stderr(`--changed-from: the ${CHANGED_EVERYTHING[scope.everything]} changed, so every workspace is planned\n`);
    // Under a new name, the old name's workspaces are not found as left behind: the code diff names them.
    return scope.everything === 'stack-name' && scope.removed.length
      ? { ...options, notPlanned: { base: flags.changedFrom!, workspaces: [], removed: scope.removed } }
      : options;
  }
  const asked = options.workspaces;
  return {
    ...options,
    workspaces: scope.changed.filter((n) => !asked || asked.includes(n)),
    notPlanned: {
      base: flags.changedFrom!,
      workspaces: scope.unchanged.filter((n) => !asked || asked.includes(n)),
      removed: scope.removed,
    },
  };
}
