/** Starts a sandbox per test file from the seeded template, and talks to it as the seeded principals. */
import axios, { type AxiosInstance } from 'axios';
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import { isLoopbackUrl } from '../../controller/client/connection';
import { type SandboxProcess, spawnSandbox as spawnUntracked } from '../../sandbox/spawn';
import { scratchDir } from './scratch';

export type { SandboxProcess };

/** Sandboxes still running: test/helpers/setup.ts stops them after each file, so a failed test leaves no process holding jest open. */
export const running = new Set<SandboxProcess>();

export async function spawnSandbox(...args: Parameters<typeof spawnUntracked>): Promise<SandboxProcess> {
  const sandbox = await spawnUntracked(...args);
  running.add(sandbox);
  sandbox.child.once('exit', () => running.delete(sandbox));
  return sandbox;
}

/**
 * The seeded data dir every sandbox test starts from. PGlite's cold start (initdb in WASM) takes
 * seconds; reopening a copy takes a fraction of one. The first test of the run to need it makes it,
 * holding a lock (an exclusive mkdir) so that parallel jest workers make it once; the others wait for
 * its `ready` file, which says how the making ended.
 */
async function templateDataDir(): Promise<string> {
  const shared = process.env.MESHFORM_TEST_SHARED;
  if (!shared)
    throw new Error(
      'MESHFORM_TEST_SHARED is not set: this test starts a sandbox, so its file belongs to the integration tier (jest.config.js)',
    );
  const data = path.join(shared, 'template');
  const ready = path.join(shared, 'ready');
  if (!takeLock(path.join(shared, 'lock'))) {
    const outcome = await fileWritten(ready);
    if (outcome !== 'ok') throw new Error(`the sandbox template could not be made: ${outcome}`);
    return data;
  }
  try {
    const sandbox = await spawnUntracked(data);
    await sandbox.close();
  } catch (e) {
    writeAtomically(ready, String(e));
    throw e;
  }
  writeAtomically(ready, 'ok');
  return data;
}

/** True if this process made the lock directory, false if another had made it. */
function takeLock(dir: string): boolean {
  try {
    fs.mkdirSync(dir);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
}

/** Renamed into place, so a reader never sees a half-written file. */
function writeAtomically(file: string, text: string): void {
  fs.writeFileSync(`${file}.tmp`, text);
  fs.renameSync(`${file}.tmp`, file);
}

/** The content of `file` once it exists (watching its directory: no polling interval). */
function fileWritten(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const watcher = fs.watch(path.dirname(file));
    const check = () => {
      if (!fs.existsSync(file)) return;
      watcher.close();
      resolve(fs.readFileSync(file, 'utf8'));
    };
    watcher.on('change', check);
    watcher.on('error', (e) => {
      watcher.close();
      reject(e);
    });
    check();
  });
}

/** A fresh copy of the seeded template data dir (about 40 MB; in a scratch dir unless `dataDir` says where). */
export async function freshDataDir(dataDir: string = path.join(scratchDir('sandbox'), 'data')): Promise<string> {
  const template = await templateDataDir();
  fs.cpSync(template, dataDir, { recursive: true });
  return dataDir;
}

export const media = (kind: string, version: string) =>
  `application/vnd.meshcloud.api.${kind.toLowerCase()}.${version}.hal+json`;

export const KINDS = {
  workspace: ['meshWorkspace', 'v2'],
  project: ['meshProject', 'v2'],
  wsUserBinding: ['meshWorkspaceUserBinding', 'v2'],
  wsGroupBinding: ['meshWorkspaceGroupBinding', 'v2'],
  projectUserBinding: ['meshProjectUserBinding', 'v3'],
  projectGroupBinding: ['meshProjectGroupBinding', 'v3'],
  tagDefinition: ['meshTagDefinition', 'v1'],
  user: ['meshUser', 'v2'],
  group: ['meshWorkspaceUserGroup', 'v1'],
  paymentMethod: ['meshPaymentMethod', 'v2'],
  projectRole: ['meshProjectRole', 'v1'],
  eventLog: ['meshEventLog', 'v1'],
  communicationDefinition: ['meshCommunicationDefinition', 'v1-preview'],
  communication: ['meshCommunication', 'v1-preview'],
} as const;

export type KindName = keyof typeof KINDS;

export interface Res {
  status: number;
  data: any;
  headers: Record<string, unknown>;
}

/** A raw HTTP client for one principal: meshObject calls with the right media types, extensions as JSON. */
export class Caller {
  private token?: string;

  constructor(
    private readonly http: AxiosInstance,
    public readonly key: string,
    private readonly secret: string,
    /** Where the extensions are: the API itself, or the control port of the meshstack profile. */
    private readonly control: AxiosInstance = http,
  ) {}

  public async login(): Promise<string> {
    const res = await this.http.post('/api/login', { clientId: this.key, clientSecret: this.secret });
    if (res.status !== 200) throw new Error(`login as ${this.key} failed: ${res.status} ${JSON.stringify(res.data)}`);
    this.token = res.data.access_token;
    return this.token!;
  }

  private async auth(): Promise<Record<string, string>> {
    return { Authorization: `Bearer ${this.token ?? (await this.login())}` };
  }

  /** Sends once, and again after a fresh login when the token has expired (short --token-ttl in some tests). */
  private async send(config: import('axios').AxiosRequestConfig, via: AxiosInstance = this.http): Promise<Res> {
    let res = await via.request({ ...config, headers: { ...config.headers, ...(await this.auth()) } });
    if (res.status === 401) {
      await this.login();
      res = await via.request({ ...config, headers: { ...config.headers, ...(await this.auth()) } });
    }
    return { status: res.status, data: res.data, headers: res.headers };
  }

  public async mesh(
    kind: KindName,
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Res> {
    const [k, v] = KINDS[kind];
    const type = media(k, v);
    return this.send({
      method,
      url: `/api/meshobjects${url}`,
      data: body === undefined ? undefined : JSON.stringify(body),
      headers: { Accept: type, ...(body === undefined ? {} : { 'Content-Type': type }), ...headers },
    });
  }

  public async ext(method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown): Promise<Res> {
    return this.send({ method, url: `/sandbox/v1${url}`, data: body }, this.control);
  }

  // Shortcuts for the objects most tests need.
  public createWorkspace(name: string, extra: { displayName?: string; tags?: Record<string, string[]> } = {}) {
    return this.mesh('workspace', 'POST', '/meshworkspaces', {
      apiVersion: 'v2',
      kind: 'meshWorkspace',
      metadata: { name, tags: extra.tags ?? {} },
      spec: { displayName: extra.displayName ?? name },
    });
  }

  public grant(
    workspace: string,
    subject: string,
    role: string,
    extra: { name?: string; expiryDate?: string; group?: boolean; invitation?: unknown } = {},
  ) {
    return this.mesh(
      extra.group ? 'wsGroupBinding' : 'wsUserBinding',
      'POST',
      `/meshworkspacebindings/${extra.group ? 'group' : 'user'}bindings`,
      {
        apiVersion: 'v2',
        kind: extra.group ? 'meshWorkspaceGroupBinding' : 'meshWorkspaceUserBinding',
        metadata: {
          name: extra.name ?? `${workspace}-${subject}-${role.split(' ')[1].toLowerCase()}`.replace(/[@.]/g, '-'),
        },
        targetRef: { name: workspace },
        roleRef: { name: role },
        subject: { name: subject },
        ...(extra.expiryDate ? { expiryDate: extra.expiryDate } : {}),
        ...(extra.invitation ? { invitation: extra.invitation } : {}),
      },
    );
  }

  public createProject(workspace: string, name: string, tags: Record<string, string[]> = {}) {
    return this.mesh('project', 'POST', '/meshprojects', {
      apiVersion: 'v2',
      kind: 'meshProject',
      metadata: { name, ownedByWorkspace: workspace },
      spec: { displayName: name, tags },
    });
  }

  public grantProject(
    workspace: string,
    project: string,
    subject: string,
    role: string,
    extra: { name?: string; expiryDate?: string; group?: boolean } = {},
  ) {
    return this.mesh(
      extra.group ? 'projectGroupBinding' : 'projectUserBinding',
      'POST',
      `/meshprojectbindings/${extra.group ? 'group' : 'user'}bindings`,
      {
        apiVersion: 'v3',
        kind: extra.group ? 'meshProjectGroupBinding' : 'meshProjectUserBinding',
        metadata: { name: extra.name ?? `${workspace}-${project}-${subject}-${role.replace(/\W/g, '').toLowerCase()}` },
        targetRef: { name: project, ownedByWorkspace: workspace },
        roleRef: { name: role },
        subject: { name: subject },
        ...(extra.expiryDate ? { expiryDate: extra.expiryDate } : {}),
      },
    );
  }

  public async workspaceBindings(
    workspace: string,
  ): Promise<Array<{ role: string; subject: string; name: string; expiryDate?: string }>> {
    const res = await this.mesh(
      'wsUserBinding',
      'GET',
      `/meshworkspacebindings/userbindings?workspaceIdentifier=${workspace}&size=1000`,
    );
    return res.data._embedded.meshWorkspaceUserBindings.map((b: any) => ({
      role: b.roleRef.name,
      subject: b.subject.name,
      name: b.metadata.name,
      expiryDate: b.expiryDate,
    }));
  }

  public async events(
    workspace: string,
    project?: string,
  ): Promise<Array<{ type: string; actor: string; details: any }>> {
    const res = await this.ext('GET', `/workspaces/${workspace}${project ? `/projects/${project}` : ''}/events`);
    return res.data.events;
  }
}

export interface SandboxFixture {
  sandbox: SandboxProcess;
  http: AxiosInstance;
  /** The extensions' server: `http` itself, or the control port with --profile meshstack. */
  control: AxiosInstance;
  as(key: string): Caller;
}

/**
 * A raw axios instance that never throws on HTTP status, so tests assert statuses. A new connection
 * per request: a test that blocks its event loop (spawnSync of the CLI) longer than the server's
 * 5 s keep-alive would otherwise reuse a socket the server has closed ("socket hang up").
 */
export function rawHttp(url: string): AxiosInstance {
  return axios.create({
    baseURL: url,
    httpAgent: new http.Agent({ keepAlive: false }),
    validateStatus: () => true,
    transformResponse: [(d) => (typeof d === 'string' && d.length ? safeJson(d) : d)],
  });
}

function safeJson(d: string): unknown {
  try {
    return JSON.parse(d);
  } catch {
    return d;
  }
}

/**
 * Tests that write to a platform run only against loopback, as meshStack's own acceptance suites
 * insist: a misconfigured endpoint must never reach a real platform.
 */
export function requireLoopback(url: string): string {
  if (!isLoopbackUrl(url))
    throw new Error(
      `refusing to run platform-writing tests against ${url}: only loopback endpoints (127.0.0.1, ::1, localhost) are allowed`,
    );
  return url;
}

export async function sandboxFixture(args: string[] = [], dataDir?: string): Promise<SandboxFixture> {
  const sandbox = await spawnSandbox(dataDir ?? (await freshDataDir()), args);
  requireLoopback(sandbox.url);
  requireLoopback(sandbox.controlUrl);
  const http = rawHttp(sandbox.url);
  const control = sandbox.controlUrl === sandbox.url ? http : rawHttp(sandbox.controlUrl);
  const info = (await http.get('/mesh/info')).data;
  const callers = new Map<string, Caller>();
  return {
    sandbox,
    http,
    control,
    as: (key: string) => {
      const creds = info.devLocalCredentials.apiKeys[key];
      if (!callers.has(key)) callers.set(key, new Caller(http, creds.clientId, creds.clientSecret, control));
      return callers.get(key)!;
    },
  };
}

export const PARTNER = 'partner-admin';
export const OWNER = 'Workspace Owner';
export const MANAGER = 'Workspace Manager';
export const MEMBER = 'Workspace Member';
