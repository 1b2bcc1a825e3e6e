#!/usr/bin/env node
/**
 * terraform-provider-meshform: started by Terraform or OpenTofu (go-plugin handshake, protocol 6).
 * stdout carries the handshake line only; anything else meshform would print goes to stderr, which
 * Terraform keeps in its log. With --debug the user starts it (under a debugger, or once for many
 * commands): stdout then carries the TF_REATTACH_PROVIDERS line to export where Terraform runs.
 */
import { missingModule, providerDependenciesMessage } from '../controller/cli/terraform';

console.log = console.error;
console.info = console.error;

const USAGE = 'usage: terraform-provider-meshform [--debug]';
const debug = process.argv.slice(2).includes('--debug');
// As go-plugin's servers: Ctrl-C reaches the whole process group, and Terraform itself decides when the provider stops.
// In debug mode the user started it, and Ctrl-C is how the user stops it.
if (!debug) process.on('SIGINT', () => undefined);

async function main(): Promise<void> {
  const unknown = process.argv.slice(2).filter((a) => a !== '--debug');
  if (unknown.length) throw new Error(`unknown argument ${unknown[0]}; ${USAGE}`);
  // gRPC, msgpack and X.509 are optional dependencies (npm install --omit=optional leaves them out): loaded here, with a clear word when missing.
  const [{ createProvider }, { PluginStartError, serveDebug, servePlugin }] = await Promise.all([
    import('../provider/provider'),
    import('../provider/protocol/plugin-server'),
  ]).catch((e: unknown) => {
    const missing = missingModule(e);
    throw new Error(
      missing
        ? providerDependenciesMessage(missing)
        : `terraform-provider-meshform could not load: ${e instanceof Error ? e.message : String(e)}`,
    );
  });
  const failed = (e: unknown): never => {
    throw new Error(
      e instanceof PluginStartError
        ? e.message
        : `terraform-provider-meshform could not start: ${e instanceof Error ? e.message : String(e)}`,
    );
  };
  if (!debug) {
    await servePlugin(createProvider(process.env), {
      env: process.env,
      handshake: (line) => process.stdout.write(line),
      onShutdown: () => process.exit(0),
    }).catch(failed);
    return;
  }
  const served = await serveDebug(createProvider(process.env), () => stop()).catch(failed);
  const stop = () => {
    served.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  // Announced only now, when Ctrl-C removes the socket.
  process.stdout.write(`TF_REATTACH_PROVIDERS='${served.reattachProviders}'\n`);
  process.stderr.write(
    'terraform-provider-meshform serves in debug mode: export the line above where Terraform runs; Ctrl-C stops it.\n',
  );
}

main().catch((e: Error) => {
  process.stderr.write(`${e.message}\n`);
  process.exit(1);
});
