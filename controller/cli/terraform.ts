/**
 * `meshform terraform install`: puts terraform-provider-meshform where Terraform and OpenTofu find it
 * without a registry. It writes an unpacked filesystem mirror (HOSTNAME/NAMESPACE/TYPE/VERSION/OS_ARCH,
 * for both registry hostnames) holding a launcher of this package's provider, and a CLI configuration
 * file that points `provider_installation` at it; TF_CLI_CONFIG_FILE names that file.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Command } from 'commander';
import { UsageError } from '../../core/errors';
import { packageRoot, packageVersion } from '../../core/package-info';
import { PROVIDER_SOURCE, REGISTRY_HOSTS } from '../../core/terraform-attributes';
import { type CliContext, ExitCode } from './context';

const ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', ia32: '386', arm: 'arm' };

/** Terraform's name of this machine's platform, e.g. linux_amd64. */
function terraformPlatform(platform: NodeJS.Platform = process.platform, arch: string = process.arch): string {
  if (platform !== 'linux' && platform !== 'darwin' && platform !== 'freebsd')
    throw new UsageError(
      `meshform's Terraform provider runs through a shell launcher, which ${platform} cannot start; use the anchor modes (AnchorKind.TERRAFORM_DATA) there`,
      'platform-unsupported',
    );
  const a = ARCH[arch];
  if (!a) throw new UsageError(`no Terraform platform name for CPU ${arch}`, 'platform-unsupported');
  return `${platform}_${a}`;
}

/** What the provider needs beyond meshform's own dependencies: optional dependencies of the package. */
const PROVIDER_DEPENDENCIES = [
  '@grpc/grpc-js',
  '@grpc/proto-loader',
  '@msgpack/msgpack',
  '@peculiar/x509',
  'reflect-metadata',
];

export const providerDependenciesMessage = (missing: string) =>
  `terraform-provider-meshform needs its optional dependencies (${missing} is not installed): npm install --include=optional`;

/** The package a failed import could not find; undefined for other failures and for meshform's own files. */
export function missingModule(e: unknown): string | undefined {
  const err = e as NodeJS.ErrnoException;
  const missing = err?.code === 'MODULE_NOT_FOUND' ? /Cannot find module '([^']+)'/.exec(err.message)?.[1] : undefined;
  return missing && !missing.startsWith('.') && !missing.startsWith('/') ? missing : undefined;
}

function checkProviderDependencies(): void {
  for (const dependency of PROVIDER_DEPENDENCIES) {
    try {
      require.resolve(dependency);
    } catch {
      throw new UsageError(providerDependenciesMessage(dependency), 'provider-dependencies');
    }
  }
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const hcl = (s: string) => JSON.stringify(s);

export interface Installed {
  readonly mirror: string;
  readonly cliConfig: string;
  readonly version: string;
  readonly launchers: string[];
}

/**
 * `sub` and every directory up to `root` created and made the user's alone, whatever the umask:
 * Terraform runs the launcher with its credentials, so nobody else may replace it.
 */
function privateDirs(root: string, sub: string): void {
  fs.mkdirSync(sub, { recursive: true, mode: 0o700 });
  for (let d = sub; ; d = path.dirname(d)) {
    fs.chmodSync(d, 0o700);
    if (d === root || d === path.dirname(d)) break;
  }
}

export function installProvider(dir: string, node: string = process.execPath): Installed {
  checkProviderDependencies();
  const version = packageVersion();
  const entry = path.join(packageRoot(), 'dist', 'bin', 'terraform-provider-meshform.js');
  if (!fs.existsSync(entry))
    throw new UsageError(`${entry} is missing: build meshform first (npm run build)`, 'provider-missing');
  const mirror = path.join(dir, 'mirror');
  const platform = terraformPlatform();
  const launchers = REGISTRY_HOSTS.map((host) => {
    const at = path.join(mirror, host, PROVIDER_SOURCE, version, platform);
    privateDirs(dir, at);
    const file = path.join(at, `terraform-provider-meshform_v${version}`);
    fs.writeFileSync(file, `#!/bin/sh\nexec ${shellQuote(node)} ${shellQuote(entry)} "$@"\n`, { mode: 0o700 });
    fs.chmodSync(file, 0o700);
    return file;
  });
  const addresses = REGISTRY_HOSTS.map((h) => hcl(`${h}/${PROVIDER_SOURCE}`)).join(', ');
  const cliConfig = path.join(dir, 'terraform.rc');
  fs.writeFileSync(
    cliConfig,
    `# Written by \`meshform terraform install\`: Terraform and OpenTofu take ${PROVIDER_SOURCE} from the local mirror, everything else as usual.\nprovider_installation {\n  filesystem_mirror {\n    path    = ${hcl(mirror)}\n    include = [${addresses}]\n  }\n  direct {\n    exclude = [${addresses}]\n  }\n}\n`,
    { mode: 0o600 },
  );
  fs.chmodSync(cliConfig, 0o600);
  return { mirror, cliConfig, version, launchers };
}

export function registerTerraform(program: Command, ctx: CliContext, setExit: (code: number) => void): void {
  const terraform = program.command('terraform').description("meshform's Terraform/OpenTofu provider");
  terraform
    .command('install')
    .description(
      'install terraform-provider-meshform into a local filesystem mirror, and write the CLI configuration that uses it (offline)',
    )
    .option('--dir <dir>', 'where the mirror and terraform.rc go', '.meshform/terraform')
    .action((flags: { dir: string }) => {
      const done = installProvider(path.resolve(ctx.cwd, flags.dir));
      ctx.stdout(
        [
          `Installed terraform-provider-meshform ${done.version} (${terraformPlatform()}) into ${done.mirror}`,
          '',
          'Terraform and OpenTofu find it through this CLI configuration:',
          `  export TF_CLI_CONFIG_FILE=${shellQuote(done.cliConfig)}`,
          '(if you have a CLI configuration already, copy its provider_installation block into yours).',
          '',
          'Then, in your configuration:',
          `  terraform {\n    required_providers {\n      meshform = { source = "${PROVIDER_SOURCE}", version = "${done.version}" }\n    }\n  }`,
          '',
          'and run terraform init. The provider reads MESHSTACK_ENDPOINT and MESHSTACK_API_KEY/_SECRET (or MESHSTACK_API_TOKEN) like meshform.',
          '',
        ].join('\n'),
      );
      setExit(ExitCode.OK);
    });
}
