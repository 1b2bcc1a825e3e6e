#!/usr/bin/env node
/**
 * terraform-provider-meshform: started by Terraform or OpenTofu (go-plugin handshake, protocol 6).
 * stdout carries the handshake line only; anything else meshform would print goes to stderr, which
 * Terraform keeps in its log.
 */
import { createProvider } from '../provider/provider';
import { PluginStartError, servePlugin } from '../provider/protocol/plugin-server';

console.log = console.error;
console.info = console.error;
// As go-plugin's servers: Ctrl-C reaches the whole process group, and Terraform itself decides when the provider stops.
process.on('SIGINT', () => undefined);

servePlugin(createProvider(process.env), {
  env: process.env,
  handshake: (line) => process.stdout.write(line),
  onShutdown: () => process.exit(0),
}).catch((e: unknown) => {
  process.stderr.write(`${e instanceof PluginStartError ? e.message : `terraform-provider-meshform could not start: ${e instanceof Error ? e.message : String(e)}`}\n`);
  process.exit(1);
});
