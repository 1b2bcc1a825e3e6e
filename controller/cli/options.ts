/** Flags shared by plan, apply and reconcile, and the steps they share: load the manifest, connect. */
import * as path from 'path';
import type { Command } from 'commander';
import { UsageError } from '../../core/errors';
import { type LoadedManifest, loadDesiredState } from '../../core/manifest-file';
import type { ApiClient } from '../client/api';
import { connect, resolveConnection } from '../client/connection';
import type { PlanOptions } from '../plan/plan';
import type { CliContext } from './context';

export interface CommonFlags {
  manifest: string;
  workspace?: string[];
  endpoint?: string;
  apiKey?: string;
  allowLastOwnerRemoval?: boolean;
  allowSelfLockout?: boolean;
}

export function addCommonOptions(cmd: Command): Command {
  return cmd
    .option('--manifest <file>', 'desired state written by `meshform synth`', 'out/meshform.json')
    .option('--workspace <id...>', 'only these workspaces (the Terraform anchor passes its own)')
    .option('--endpoint <url>', 'platform URL (default: $MESHSTACK_ENDPOINT)')
    .option('--api-key <name>', 'API key id (default: $MESHSTACK_API_KEY; the secret always comes from the environment)')
    .option('--allow-last-owner-removal', 'allow a plan that leaves a workspace without any Owner')
    .option('--allow-self-lockout', "allow a plan that removes the caller's own Owner/Manager rights");
}

export function loadManifest(ctx: CliContext, flags: CommonFlags, now: Date): LoadedManifest {
  const loaded = loadDesiredState(path.resolve(ctx.cwd, flags.manifest), now);
  for (const w of loaded.warnings) ctx.stderr(`warning: ${w.path}: ${w.message} (rule: ${w.rule})\n`);
  return loaded;
}

export function endpointOf(ctx: CliContext, flags: CommonFlags): string {
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
  };
}

export function oneOf<T extends string>(value: string, allowed: readonly T[], flag: string): T {
  if (!allowed.includes(value as T)) throw new UsageError(`${flag} must be one of ${allowed.join(', ')}, got "${value}"`);
  return value as T;
}
