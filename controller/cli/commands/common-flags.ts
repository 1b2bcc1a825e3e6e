/** The flags plan, apply and reconcile share, declared without loading what runs them. */
import type { Command } from 'commander';
import { UsageError } from '../../../core/errors';
import { EXIT_CODES_HELP } from '../context';

export interface CommonFlags {
  manifest: string;
  workspace?: string[];
  endpoint?: string;
  apiKey?: string;
  allowLastOwnerRemoval?: boolean;
  allowSelfLockout?: boolean;
  allowFewerApprovers?: boolean;
  adopt?: boolean;
  changedFrom?: string;
  expiringWithin?: string;
  tagDefinitionsOnly?: boolean;
  policy?: string;
}

/** `--workspace a --workspace b` and `--workspace a,b`: a repeatable option never swallows an argument after it. */
export function collectWorkspaces(value: string, previous: string[] | undefined): string[] {
  const names = value
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  if (!names.length) throw new UsageError(`--workspace needs a workspace identifier, got "${value}"`);
  return [...(previous ?? []), ...names];
}

/** Where plan, apply and reconcile get the platform and its credentials: never a secret on the command line. */
const CREDENTIALS_HELP = `
Credentials:
  The endpoint comes from --endpoint or MESHSTACK_ENDPOINT, the key from --api-key or MESHSTACK_API_KEY.
  The secret comes only from the environment: MESHSTACK_API_SECRET, or MESHSTACK_API_TOKEN (a bearer
  token, which wins over key and secret). On a loopback endpoint (the sandbox, meshStack's local dev
  stack) a key name is enough: its secret comes from the platform's /mesh/info.
`;

/** The platform and key of a command that reads or answers on its own (history, message, requests). */
export function addConnectionOptions(cmd: Command): Command {
  return cmd
    .option('--endpoint <url>', 'platform URL (default: $MESHSTACK_ENDPOINT)')
    .option('--api-key <name>', 'API key id (default: $MESHSTACK_API_KEY)');
}

export function addCommonOptions(cmd: Command): Command {
  return cmd
    .addHelpText('after', `${EXIT_CODES_HELP}${CREDENTIALS_HELP}`)
    .option('--manifest <file>', 'desired state written by `meshform synth`', 'out/meshform.json')
    .option(
      '--workspace <id>',
      'only this workspace; repeat it, or separate with commas (the Terraform anchor passes its own)',
      collectWorkspaces,
    )
    .option('--endpoint <url>', 'platform URL (default: $MESHSTACK_ENDPOINT)')
    .option(
      '--api-key <name>',
      'API key id (default: $MESHSTACK_API_KEY; the secret always comes from the environment)',
    )
    .option('--allow-last-owner-removal', 'allow a plan that leaves a workspace without any Owner')
    .option('--allow-self-lockout', "allow a plan that removes the caller's own Owner/Manager rights")
    .option(
      '--allow-fewer-approvers',
      'allow a plan that grants while it removes Owners/Managers below the 4-eyes minimum',
    )
    .option('--adopt', 'take over live workspaces that no meshform stack owns (records this stack as their owner)')
    .option(
      '--tag-definitions-only',
      'only the tag definitions, no workspace (the Terraform anchor of the tag definitions)',
    )
    .option('--policy <file>', "the organisation's policy file, YAML (default: $MESHFORM_POLICY; docs/policies.md)")
    .option(
      '--expiring-within <duration>',
      'warn about declared bindings that expire within this time, e.g. 30d (also in the markdown PR comment)',
    );
}
