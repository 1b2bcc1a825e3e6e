/**
 * The go-plugin handshake as Terraform does it: the magic cookie, PLUGIN_CLIENT_CERT for AutoMTLS,
 * the handshake line, and a gRPC call over mutual TLS that a client without Terraform's certificate
 * cannot make.
 */
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { X509Certificate } from 'crypto';
import * as path from 'path';
import {
  MAGIC_COOKIE_KEY,
  MAGIC_COOKIE_VALUE,
  PluginStartError,
  checkHandshakeEnv,
  generateCertificate,
  servePlugin,
} from '../../../provider/protocol/plugin-server';
import { createProvider } from '../../../provider/provider';

const PROTO = path.resolve(__dirname, '..', '..', '..', 'provider', 'protocol', 'tfplugin6.proto');
type Call = (req: object, cb: (err: grpc.ServiceError | null, res: any) => void) => void;

function client(address: string, credentials: grpc.ChannelCredentials): Record<string, Call> & grpc.Client {
  const def = grpc.loadPackageDefinition(
    protoLoader.loadSync(PROTO, { keepCase: true, longs: Number, enums: Number, defaults: true }),
  ) as any;
  return new def.tfplugin6.Provider(address, credentials, { 'grpc.ssl_target_name_override': 'localhost' });
}
const call = <T>(c: Record<string, Call>, method: string, req: object = {}) =>
  new Promise<T>((resolve, reject) => c[method](req, (err, res) => (err ? reject(err) : resolve(res))));

describe('go-plugin handshake', () => {
  test('without the magic cookie the binary says it is a plugin, and refuses a protocol it does not speak', () => {
    expect(() => checkHandshakeEnv({})).toThrow(PluginStartError);
    expect(() => checkHandshakeEnv({})).toThrow(/not meant to be run directly/);
    expect(() => checkHandshakeEnv({ [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE, PLUGIN_PROTOCOL_VERSIONS: '5' })).toThrow(
      /speaks protocol 6/,
    );
    expect(() =>
      checkHandshakeEnv({ [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE, PLUGIN_PROTOCOL_VERSIONS: '5,6' }),
    ).not.toThrow();
  });

  test('the generated certificate is for localhost, a CA of itself, for server and client auth (what go-plugin checks)', async () => {
    const cert = new X509Certificate((await generateCertificate()).certPem);
    expect(cert.checkHost('localhost')).toBe('localhost');
    expect(cert.ca).toBe(true);
    expect(cert.keyUsage).toEqual(expect.arrayContaining(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']));
  });

  test("AutoMTLS: the handshake line carries the server certificate; Terraform's certificate gets an answer, another one does not", async () => {
    const terraformCert = await generateCertificate();
    let line = '';
    let shutdown = false;
    const server = await servePlugin(
      createProvider({}, () => undefined),
      {
        env: { [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE, PLUGIN_CLIENT_CERT: terraformCert.certPem },
        handshake: (l) => (line = l),
        onShutdown: () => (shutdown = true),
      },
    );
    try {
      const [core, protocol, network, address, kind, cert] = line.trimEnd().split('|');
      expect([core, protocol, network, kind]).toEqual(['1', '6', 'tcp', 'grpc']);
      expect(line.endsWith('\n')).toBe(true);
      expect(cert).not.toMatch(/[=\n]/);
      const serverPem = `-----BEGIN CERTIFICATE-----\n${Buffer.from(cert, 'base64').toString('base64')}\n-----END CERTIFICATE-----\n`;
      expect(new X509Certificate(serverPem).checkHost('localhost')).toBe('localhost');

      const trusted = client(
        address,
        grpc.credentials.createSsl(
          Buffer.from(serverPem),
          Buffer.from(terraformCert.keyPem),
          Buffer.from(terraformCert.certPem),
        ),
      );
      const schema = await call<{
        resource_schemas: Record<string, { block: { attributes: Array<{ name: string; sensitive: boolean }> } }>;
        provider: { block: { attributes: Array<{ name: string; sensitive: boolean }> } };
      }>(trusted, 'GetProviderSchema');
      expect(Object.keys(schema.resource_schemas).sort()).toEqual(['meshform_tag_definition', 'meshform_workspace']);
      expect(schema.provider.block.attributes.filter((a) => a.sensitive).map((a) => a.name)).toEqual([
        'api_key',
        'api_secret',
        'api_token',
      ]);
      trusted.close();

      const stranger = await generateCertificate();
      const untrusted = client(
        address,
        grpc.credentials.createSsl(Buffer.from(serverPem), Buffer.from(stranger.keyPem), Buffer.from(stranger.certPem)),
      );
      await expect(call(untrusted, 'GetProviderSchema')).rejects.toMatchObject({ code: grpc.status.UNAVAILABLE });
      untrusted.close();
    } finally {
      server.forceShutdown();
    }
    expect(shutdown).toBe(false);
  });

  test('a call before ConfigureProvider, or for a type the provider lacks, is an error diagnostic, not a crash', async () => {
    const logged: string[] = [];
    const provider = createProvider({}, (l) => logged.push(l));
    await expect(
      provider.ReadResource({ type_name: 'meshform_workspace', current_state: { msgpack: Buffer.from([0x80]) } }),
    ).resolves.toMatchObject({ diagnostics: [{ severity: 1, detail: 'the provider is not configured' }] });
    await expect(
      provider.PlanResourceChange({ type_name: 'meshform_nothing', prior_state: null, proposed_new_state: null }),
    ).resolves.toMatchObject({
      diagnostics: [{ severity: 1, detail: 'meshform has no resource type meshform_nothing' }],
    });
    expect(logged).toEqual([
      'meshform provider: the provider is not configured\n',
      'meshform provider: meshform has no resource type meshform_nothing\n',
    ]);
  });
});
