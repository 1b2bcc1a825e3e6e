/**
 * The platforms the controller suite runs against, behind one harness: the in-memory fake, and the
 * sandbox over real HTTP. Same cases, same expectations.
 */
import type { ApiClient } from '../../controller/client/api';
import { FakePlatform } from '../../controller/client/fake-client';
import { HttpApiClient } from '../../controller/client/http-client';
import { PARTNER, rawHttp, sandboxFixture, type SandboxFixture } from './sandbox';

export interface TestPlatform {
  readonly name: string;
  readonly endpoint: string;
  /** A client acting with an API key: `partner-admin`, `alice`, `bob`, `carol`, `dave`, `erin`. */
  client(key: string): ApiClient;
  setFourEyes(enabled: boolean, minApprovalCount?: number): Promise<void>;
  setRecertification(days: Record<string, number>): Promise<void>;
  advanceClock(ms: number): Promise<void>;
  now(): Promise<Date>;
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
    close: async () => undefined,
  };
}

export async function sandboxPlatform(): Promise<TestPlatform & { fixture: SandboxFixture }> {
  const fixture = await sandboxFixture();
  const clients = new Map<string, ApiClient>();
  const partner = fixture.as(PARTNER);
  return {
    name: 'sandbox',
    endpoint: fixture.sandbox.url,
    fixture,
    // Key names only: on loopback the secret comes from /mesh/info, as meshStack's dev stack offers it.
    client: (key) => {
      if (!clients.has(key)) clients.set(key, new HttpApiClient({ endpoint: fixture.sandbox.url, credentials: { kind: 'key', key } }));
      return clients.get(key)!;
    },
    setFourEyes: async (enabled, minApprovalCount = 2) => void (await partner.ext('PUT', '/settings', { fourEyes: { enabled, minApprovalCount } })),
    setRecertification: async (days) => void (await partner.ext('PUT', '/settings', { recertification: days })),
    advanceClock: async (ms) => void (await partner.ext('POST', '/clock', { advance: `${ms}ms` })),
    now: async () => new Date((await rawHttp(fixture.sandbox.url).get('/sandbox/v1/clock', { headers: { Authorization: `Bearer ${await partner.login()}` } })).data.now),
    close: () => fixture.sandbox.close(),
  };
}

export const PLATFORMS: Array<[string, () => Promise<TestPlatform>]> = [
  ['fake', async () => fakePlatform()],
  ['sandbox', sandboxPlatform],
];
