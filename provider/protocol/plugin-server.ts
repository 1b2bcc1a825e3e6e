/**
 * Serving a Terraform plugin as HashiCorp's go-plugin expects it (Terraform and OpenTofu start
 * providers this way): the magic cookie in the environment says Terraform started us; with
 * AutoMTLS, Terraform passes its client certificate in PLUGIN_CLIENT_CERT and we answer with a
 * certificate of our own, generated per run, in the handshake line on stdout
 * `1|6|tcp|127.0.0.1:<port>|grpc|<certificate, DER, base64 without padding>`. Only that line may go
 * to stdout; everything else goes to stderr, which Terraform writes to its log (TF_LOG).
 * In debug mode (serveDebug) the provider is started by the user instead and Terraform reattaches to it.
 */
import 'reflect-metadata';
import { webcrypto } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import * as x509 from '@peculiar/x509';
import { packageRoot } from '../../core/package-info';
import { PROVIDER_SOURCE, REGISTRY_HOSTS } from '../../core/terraform-attributes';

export const MAGIC_COOKIE_KEY = 'TF_PLUGIN_MAGIC_COOKIE';
export const MAGIC_COOKIE_VALUE = 'd602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2';
const CORE_PROTOCOL_VERSION = 1;
const PROTOCOL_VERSION = 6;

/** One rpc of the Provider service: its request as proto-loader decodes it (snake_case fields, Buffers for bytes), its response as a plain object. */
export type Handler = (request: never) => Promise<object>;
export type ProviderHandlers = Record<string, Handler>;

export class PluginStartError extends Error {}

/** The go-plugin handshake's own checks: started by Terraform, for a protocol we speak. */
export function checkHandshakeEnv(env: NodeJS.ProcessEnv): void {
  if (env[MAGIC_COOKIE_KEY] !== MAGIC_COOKIE_VALUE) {
    throw new PluginStartError(
      'This is a Terraform provider plugin: Terraform starts it, it is not meant to be run directly. Run `npx meshform terraform install` and use it from Terraform or OpenTofu.',
    );
  }
  const offered = env.PLUGIN_PROTOCOL_VERSIONS?.split(',').map((v) => Number(v.trim()));
  if (offered && !offered.includes(PROTOCOL_VERSION)) {
    throw new PluginStartError(
      `Terraform offers plugin protocol(s) ${env.PLUGIN_PROTOCOL_VERSIONS}; this provider speaks protocol ${PROTOCOL_VERSION} (Terraform >= 1.0, OpenTofu >= 1.6).`,
    );
  }
}

function loadProto(file: string): grpc.GrpcObject {
  const definition = protoLoader.loadSync(path.join(packageRoot(), 'provider', 'protocol', file), {
    keepCase: true,
    longs: Number,
    enums: Number,
    defaults: true,
    oneofs: true,
  });
  return grpc.loadPackageDefinition(definition);
}

/** A self-signed certificate for localhost, as go-plugin makes one (server and client auth, a CA of itself). */
export async function generateCertificate(now = new Date()): Promise<{ certPem: string; keyPem: string; der: Buffer }> {
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: webcrypto
      .getRandomValues(new Uint8Array(8))
      .reduce((s, b) => s + b.toString(16).padStart(2, '0'), '7'),
    name: 'CN=localhost, O=meshform',
    notBefore: new Date(now.getTime() - 30_000),
    notAfter: new Date(now.getTime() + 30 * 24 * 3600_000),
    keys,
    signingAlgorithm: alg,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature |
          x509.KeyUsageFlags.keyEncipherment |
          x509.KeyUsageFlags.keyAgreement |
          x509.KeyUsageFlags.keyCertSign,
        true,
      ),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
      new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: 'localhost' }]),
    ],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const keyPem = `-----BEGIN PRIVATE KEY-----\n${pkcs8
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n?$/, '\n')}-----END PRIVATE KEY-----\n`;
  return { certPem: cert.toString('pem'), keyPem, der: Buffer.from(cert.rawData) };
}

export interface ServeOptions {
  readonly env: NodeJS.ProcessEnv;
  /** Where the handshake line goes: process stdout. */
  readonly handshake: (line: string) => void;
  /** Called when Terraform asks the plugin to shut down. */
  readonly onShutdown: () => void;
}

/** The gRPC server with the provider's handlers and go-plugin's controller, not yet bound. */
function providerServer(handlers: ProviderHandlers, onShutdown: () => void): grpc.Server {
  const tf = loadProto('tfplugin6.proto') as { tfplugin6: { Provider: grpc.ServiceClientConstructor } };
  const gp = loadProto('go-plugin.proto') as { plugin: { GRPCController: grpc.ServiceClientConstructor } };
  const server = new grpc.Server();
  const unary =
    (h: Handler): grpc.handleUnaryCall<object, object> =>
    (call, callback) => {
      (h as (request: unknown) => Promise<object>)(call.request).then(
        (res) => callback(null, res),
        (err: unknown) =>
          callback({ code: grpc.status.INTERNAL, details: err instanceof Error ? err.message : String(err) }),
      );
    };
  const implementation: grpc.UntypedServiceImplementation = {};
  for (const method of Object.keys(tf.tfplugin6.Provider.service)) {
    const h = handlers[method];
    if (h) implementation[method] = unary(h);
  }
  server.addService(tf.tfplugin6.Provider.service, implementation);
  server.addService(gp.plugin.GRPCController.service, {
    Shutdown: unary(async () => {
      setImmediate(onShutdown);
      return {};
    }),
  });
  return server;
}

/** Binds the server; resolves with the port (0 for a unix socket). */
const bind = (server: grpc.Server, address: string, credentials: grpc.ServerCredentials) =>
  new Promise<number>((resolve, reject) =>
    server.bindAsync(address, credentials, (err, p) => (err ? reject(err) : resolve(p))),
  );

/** Starts the gRPC server with the provider's handlers and announces it; resolves with the server once the line is written. */
export async function servePlugin(handlers: ProviderHandlers, options: ServeOptions): Promise<grpc.Server> {
  checkHandshakeEnv(options.env);
  const server = providerServer(handlers, options.onShutdown);
  const clientCert = options.env.PLUGIN_CLIENT_CERT;
  let credentials = grpc.ServerCredentials.createInsecure();
  let announced = '';
  if (clientCert) {
    const own = await generateCertificate();
    credentials = grpc.ServerCredentials.createSsl(
      Buffer.from(clientCert),
      [{ cert_chain: Buffer.from(own.certPem), private_key: Buffer.from(own.keyPem) }],
      true,
    );
    announced = own.der.toString('base64').replace(/=+$/, '');
  }
  const port = await bind(server, '127.0.0.1:0', credentials);
  options.handshake(`${CORE_PROTOCOL_VERSION}|${PROTOCOL_VERSION}|tcp|127.0.0.1:${port}|grpc|${announced}\n`);
  return server;
}

/**
 * TF_REATTACH_PROVIDERS as Terraform's meta_providers.go parses it, for the provider's address on
 * both registries. `Test: true` tells go-plugin that the process is not Terraform's: Terraform never
 * stops it, so one process serves many commands.
 */
function reattachProviders(socket: string, pid: number): string {
  const config = {
    Protocol: 'grpc',
    ProtocolVersion: PROTOCOL_VERSION,
    Pid: pid,
    Test: true,
    Addr: { Network: 'unix', String: socket },
  };
  return JSON.stringify(Object.fromEntries(REGISTRY_HOSTS.map((h) => [`${h}/${PROVIDER_SOURCE}`, config])));
}

/**
 * Debug mode, as terraform-plugin-go's managed debug serving: no handshake, no magic cookie, no TLS;
 * the provider listens on a unix socket in a directory only this user may enter, and Terraform
 * reattaches to it through TF_REATTACH_PROVIDERS, so the process can run under a debugger and
 * outlives each Terraform command. Resolves, once serving, with the TF_REATTACH_PROVIDERS value to
 * announce, and `close`, which stops serving and removes the socket's directory.
 */
// Loaded by `await import()` in bin/terraform-provider-meshform.ts, which ts-unused-exports does not follow.
// ts-unused-exports:disable-next-line
export async function serveDebug(
  handlers: ProviderHandlers,
  onShutdown: () => void,
): Promise<{ reattachProviders: string; close(): void }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshform-provider-'));
  const socket = path.join(dir, 'provider.sock');
  const server = providerServer(handlers, onShutdown);
  const close = () => {
    server.forceShutdown();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await bind(server, `unix:${socket}`, grpc.ServerCredentials.createInsecure());
  } catch (e) {
    close();
    throw e;
  }
  // Terraform checks that the process it reattaches to is alive.
  return { reattachProviders: reattachProviders(socket, process.pid), close };
}
