/**
 * The platforms the controller suite runs against, behind one harness: the in-memory fake, the
 * sandbox over real HTTP, and the sandbox's strict `meshstack` profile, which serves the meshObject
 * API alone, as a real meshStack does (what a user's meshform sees). Same cases, same expectations,
 * except where the strict profile cannot tell (`capabilities` says which).
 */
import type { ApiClient } from '../../controller/client/api';
import { FakePlatform } from '../../controller/client/fake-client';
import { HttpApiClient } from '../../controller/client/http-client';
import { PARTNER, sandboxFixture, type SandboxFixture } from './sandbox';

export interface TestPlatform {
  readonly name: string;
  readonly endpoint: string;
  /** A client acting with an API key: `partner-admin`, `alice`, `bob`, `carol`, `dave`, `erin`. */
  client(key: string): ApiClient;
  setFourEyes(enabled: boolean, minApprovalCount?: number): Promise<void>;
  setRecertification(days: Record<string, number>): Promise<void>;
  advanceClock(ms: number): Promise<void>;
  now(): Promise<Date>;
  /** Approves the pending grant of `role` to `subject` in `workspace` as `key` (meshPanel, on a real platform). */
  approve(workspace: string, subject: string, role: string, key: string): Promise<{ status: number; message?: string }>;
  /** A new user logs in for the first time: invitations to the e-mail become theirs. */
  acceptInvitation(username: string, email: string): Promise<void>;
  /** Declines the pending grant (meshPanel, on a real platform). */
  decline(workspace: string, subject: string, role: string, key: string): Promise<{ status: number }>;
  /** Whether meshform's client sees the sandbox extensions (false for the meshstack profile). */
  readonly extensions: boolean;
  close(): Promise<void>;
}

export function fakePlatform(): TestPlatform & { fake: FakePlatform } {
  const fake = new FakePlatform();
  const clients = new Map<string, ApiClient>();
  return {
    name: 'fake',
    endpoint: 'memory://fake',
    fake,
    client: (key) => {
      if (!clients.has(key)) clients.set(key, fake.client(key === PARTNER ? 'partner.admin' : key));
      return clients.get(key)!;
    },
    setFourEyes: async (enabled, minApprovalCount = 2) => void (fake.fourEyes = { enabled, minApprovalCount }),
    setRecertification: async (days) => void (fake.recertification = days),
    advanceClock: async (ms) => void (fake.clock = new Date(fake.clock.getTime() + ms)),
    now: async () => fake.clock,
    approve: async (ws, subject, role, key) => {
      const r = [...fake.requests.values()].find(
        (x) => x.workspace === ws && x.subject === subject && x.role === role && x.status === 'PENDING',
      );
      if (!r) return { status: 404, message: 'no such request' };
      return fake
        .client(key === PARTNER ? 'partner.admin' : key)
        .extensions.decideRequest(r.id, 'approve')
        .then(
          () => ({ status: 200 }),
          (e: Error & { status?: number }) => ({ status: e.status ?? 500, message: e.message }),
        );
    },
    acceptInvitation: async (username, email) => void fake.firstLogin(username, email),
    decline: async (ws, subject, role, key) => {
      const r = [...fake.requests.values()].find(
        (x) => x.workspace === ws && x.subject === subject && x.role === role && x.status === 'PENDING',
      );
      if (!r) return { status: 404 };
      await fake.client(key === PARTNER ? 'partner.admin' : key).extensions.decideRequest(r.id, 'decline');
      return { status: 200 };
    },
    extensions: true,
    close: async () => undefined,
  };
}

/** The next 23:59 UTC after `now`: a minute before the day ends, so a case's clock crosses midnight. */
function justBeforeMidnight(now: Date): string {
  const at = new Date(`${now.toISOString().slice(0, 10)}T23:59:00Z`);
  return (at > now ? at : new Date(at.getTime() + 86_400_000)).toISOString();
}

/**
 * `nearMidnight` starts the sandbox's clock at 23:59 UTC: day-granular expiries (meshStack keeps a
 * workspace binding's expiry as a day) then fall due within the cases' own clock moves, as they do
 * for a CI run that happens to start then.
 */
export async function sandboxPlatform(
  profile: 'default' | 'meshstack' = 'default',
  options: { nearMidnight?: boolean } = {},
): Promise<TestPlatform & { fixture: SandboxFixture }> {
  const fixture = await sandboxFixture(['--profile', profile]);
  const clients = new Map<string, ApiClient>();
  const partner = fixture.as(PARTNER);
  if (options.nearMidnight)
    await partner.ext('POST', '/clock', {
      set: justBeforeMidnight(new Date((await partner.ext('GET', '/clock')).data.now)),
    });
  return {
    name: 'sandbox',
    endpoint: fixture.sandbox.url,
    fixture,
    // Key names only: on loopback the secret comes from /mesh/info, as meshStack's dev stack offers it.
    client: (key) => {
      if (!clients.has(key))
        clients.set(key, new HttpApiClient({ endpoint: fixture.sandbox.url, credentials: { kind: 'key', key } }));
      return clients.get(key)!;
    },
    setFourEyes: async (enabled, minApprovalCount = 2) =>
      void (await partner.ext('PUT', '/settings', { fourEyes: { enabled, minApprovalCount } })),
    setRecertification: async (days) => void (await partner.ext('PUT', '/settings', { recertification: days })),
    advanceClock: async (ms) => void (await partner.ext('POST', '/clock', { advance: `${ms}ms` })),
    now: async () => new Date((await partner.ext('GET', '/clock')).data.now),
    approve: async (ws, subject, role, key) => {
      const list = (await partner.ext('GET', `/role-requests?workspaceIdentifier=${ws}&status=PENDING`)).data
        .roleRequests as Array<{ id: string; subject: { name: string }; role: string }>;
      const r = list.find((x) => x.subject.name === subject && x.role === role);
      if (!r) return { status: 404, message: 'no such request' };
      const res = await fixture.as(key).ext('POST', `/role-requests/${r.id}/approve`);
      return { status: res.status, message: res.data?.message };
    },
    acceptInvitation: async (username, email) => {
      await partner.mesh('user', 'POST', '/meshusers', {
        apiVersion: 'v2',
        kind: 'meshUser',
        metadata: { name: username },
        spec: { email, firstName: username, lastName: 'New' },
      });
      await partner.ext('POST', `/users/${username}/first-login`);
    },
    decline: async (ws, subject, role, key) => {
      const list = (await partner.ext('GET', `/role-requests?workspaceIdentifier=${ws}&status=PENDING`)).data
        .roleRequests as Array<{ id: string; subject: { name: string }; role: string }>;
      const r = list.find((x) => x.subject.name === subject && x.role === role);
      if (!r) return { status: 404 };
      return { status: (await fixture.as(key).ext('POST', `/role-requests/${r.id}/decline`)).status };
    },
    extensions: profile === 'default',
    close: () => fixture.sandbox.close(),
  };
}

/**
 * What a case exercises beyond the meshObject API, tagged at the end of its name (`… [days, extensions]`):
 * `extensions`, the sandbox extensions meshform reads where a platform has them (pending requests,
 * statuses, history, who is calling, quota); `days`, expiries kept as a day, which a case's clock moves
 * can carry across midnight.
 */
const CONCERNS = ['extensions', 'days'] as const;
type Concern = (typeof CONCERNS)[number];

/** Declares a case on one row of the matrix: `test`, or `test.skip` where the row would only repeat other rows. */
export type CaseOn = (name: string, fn: jest.ProvidesCallback) => void;

function concernsOf(name: string): Concern[] {
  const tags = /\[([a-z, ]+)\]$/.exec(name)?.[1].split(', ') ?? [];
  const unknown = tags.filter((t) => !(CONCERNS as readonly string[]).includes(t));
  // A misspelt tag would quietly skip the case on the row that needs it.
  if (unknown.length)
    throw new Error(`unknown concern ${unknown.join(', ')} in "${name}": one of ${CONCERNS.join(', ')}`);
  return tags as Concern[];
}
const everyCase: CaseOn = (name, fn) => {
  concernsOf(name);
  test(name, fn);
};
const casesWith =
  (concern: Concern): CaseOn =>
  (name, fn) =>
    (concernsOf(name).includes(concern) ? test : test.skip)(name, fn);

/**
 * The matrix, and which cases each row runs. The fake and the strict profile run every case: the
 * controller's logic, and meshform over HTTP against the sandbox's domain without extensions. The
 * default profile differs from the strict one only by the extensions, so it runs the cases tagged
 * `[extensions]`; the clock at 23:59 differs from the default profile only by the time of day, so it
 * runs the cases tagged `[days]`. On every row, the other cases only repeated the same code paths
 * (docs/testing.md). A suite declares its cases with `const test = caseOn;` inside `describe.each`.
 */
export const PLATFORMS: Array<[string, () => Promise<TestPlatform>, CaseOn]> = [
  ['fake', async () => fakePlatform(), everyCase],
  ['sandbox', () => sandboxPlatform('default'), casesWith('extensions')],
  ['sandbox, meshstack profile', () => sandboxPlatform('meshstack'), everyCase],
  ['sandbox, clock at 23:59 UTC', () => sandboxPlatform('default', { nearMidnight: true }), casesWith('days')],
];
