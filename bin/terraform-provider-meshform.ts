#!/usr/bin/env node
/**
 * terraform-provider-meshform: started by Terraform or OpenTofu (go-plugin handshake, protocol 6).
 * stdout carries the handshake line only; anything else meshform would print goes to stderr, which
 * Terraform keeps in its log.
 */
import { missingModule, providerDependenciesMessage } from '../controller/cli/terraform';

console.log = console.error;
console.info = console.error;
// As go-plugin's servers: Ctrl-C reaches the whole process group, and Terraform itself decides when the provider stops.
process.on('SIGINT', () => undefined);

async function main(): Promise<void> {
  // gRPC, msgpack and X.509 are optional dependencies (npm install --omit=optional leaves them out): loaded here, with a clear word when missing.
  const [{ createProvider }, { PluginStartError, servePlugin }] = await Promise.all([
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
  await servePlugin(createProvider(process.env), {
    env: process.env,
    handshake: (line) => process.stdout.write(line),
    onShutdown: () => process.exit(0),
  }).catch((e: unknown) => {
    throw new Error(
      e instanceof PluginStartError
        ? e.message
        : `terraform-provider-meshform could not start: ${e instanceof Error ? e.message : String(e)}`,
    );
  });
}

main().catch((e: Error) => {
  process.stderr.write(`${e.message}\n`);
  process.exit(1);
});
