/**
 * Concurrency: two applies at once on overlapping manifests end consistent, never with more than two
 * Owners at any point of the event history, and a re-run converges; the sandbox stays consistent
 * under 50 concurrent clients (owner limit, quota, workspace membership for project roles, no
 * duplicates, and an event history that replays to exactly the live bindings).
 */
import type { ApiClient } from '../../controller/client/api';
import { HttpApiClient } from '../../controller/client/http-client';
import type { WorkspaceEvent } from '../../controller/client/types';
import { isApiError } from '../../core/errors';
import { meshformProcess, platformEnv, scratch } from '../helpers/cli';
import { teamEstate } from '../helpers/desired';
import { desiredKeys, duplicated, historyOf, liveBindings, liveKeys, maxOwnersInHistory } from '../helpers/inspect';
import { MANAGER, MEMBER, OWNER, PARTNER, type SandboxFixture, sandboxFixture } from '../helpers/sandbox';

const USERS = ['alice', 'bob', 'carol', 'dave', 'erin'];

/** The workspace bindings (subject=role) an event history ends with. */
function replay(events: WorkspaceEvent[]): string[] {
  const held = new Set<string>();
  for (const e of events) {
    const d = e.details as { subject?: string; role?: string; added?: boolean; removed?: boolean };
    if (e.project || !d.subject || !d.role) continue;
    if (d.added) held.add(`${d.subject}=${d.role}`);
    else if (d.removed || e.type === 'USER_REMOVED' || e.type === 'USER_INVITATION_CANCELLED')
      held.delete(`${d.subject}=${d.role}`);
  }
  return [...held].sort();
}

describe('concurrency', () => {
  let f: SandboxFixture;
  let partner: HttpApiClient;
  const files = scratch('race');
  beforeAll(async () => {
    f = await sandboxFixture(['--profile', 'meshstack']);
    partner = new HttpApiClient({ endpoint: f.sandbox.url, credentials: { kind: 'key', key: PARTNER } });
  });
  afterAll(async () => {
    await f.sandbox.close();
    files.dispose();
  });

  const run = (args: string[]) => meshformProcess(args, platformEnv(f.sandbox.url, PARTNER));
  const write = files.json;

  test('two applies at once, each handing the same workspaces to another Owner: consistent, never three Owners, a re-run converges', async () => {
    // GIVEN ten applied workspaces, and two manifests that each swap every Owner for someone else
    expect((await run(['apply', '--manifest', write('base', teamEstate(10, 'race')), '--auto-approve'])).code).toBe(0);
    const a = teamEstate(10, 'race', { ownerShift: 1 });
    const b = teamEstate(10, 'race', { ownerShift: 3 });
    const [fileA, fileB] = [write('a', a), write('b', b)];

    // WHEN both apply at the same time
    const [ra, rb] = await Promise.all([
      run(['apply', '--manifest', fileA, '--auto-approve']),
      run(['apply', '--manifest', fileB, '--auto-approve']),
    ]);

    // THEN each finished with a report (0, or 1 naming what the platform refused), never a crash
    for (const r of [ra, rb]) {
      expect([0, 1]).toContain(r.code);
      expect(r.stderr).not.toMatch(/^\s+at /m);
      if (r.code === 1) expect(r.stdout).toMatch(/failed: .+(409|404|403)/);
    }
    const names = a.workspaces.map((w) => w.metadata.name);
    for (const ws of names) expect(maxOwnersInHistory(await historyOf(f, ws))).toBeLessThanOrEqual(2);
    expect(duplicated(liveKeys(await liveBindings(partner, names)))).toEqual([]);
    // and whichever manifest is applied next wins completely
    expect((await run(['apply', '--manifest', fileA, '--auto-approve'])).code).toBe(0);
    expect((await run(['plan', '--manifest', fileA, '--detailed-exitcode'])).code).toBe(0);
    expect(liveKeys(await liveBindings(partner, names))).toEqual(desiredKeys(a));
    for (const ws of names) expect(maxOwnersInHistory(await historyOf(f, ws))).toBeLessThanOrEqual(2);
    process.stdout.write(
      `concurrency: two racing applies exited ${ra.code} and ${rb.code}; owners never above 2 in ${names.length} workspace histories; a re-run converged\n`,
    );
  });

  test('50 concurrent clients: the sandbox keeps every invariant, and its history matches its state', async () => {
    // GIVEN four workspaces with an Owner and a project quota of 3
    const workspaces = ['conc-0', 'conc-1', 'conc-2', 'conc-3'];
    for (const ws of workspaces) {
      await partner.workspaces.create({ name: ws, displayName: ws, tags: {} });
      await partner.bindings.create({
        name: `${ws}-owner`,
        workspace: ws,
        subjectKind: 'User',
        subject: 'alice',
        role: OWNER,
      });
      await f.as(PARTNER).ext('PUT', `/workspaces/${ws}/quota`, { maxProjects: 3 });
    }
    const keys = [PARTNER, ...USERS];
    const clients: ApiClient[] = Array.from(
      { length: 50 },
      (_, i) =>
        new HttpApiClient({ endpoint: f.sandbox.url, credentials: { kind: 'key', key: keys[i % keys.length] } }),
    );
    let seed = 99;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const outcomes: Record<string, number> = {};
    const count = (k: string) => (outcomes[k] = (outcomes[k] ?? 0) + 1);

    // WHEN each of them makes 20 random changes at the same time
    await Promise.all(
      clients.map(async (api, c) => {
        for (let i = 0; i < 20; i++) {
          const ws = workspaces[random(workspaces.length)];
          const subject = USERS[random(USERS.length)];
          const op = random(6);
          try {
            if (op <= 1) {
              const role = [OWNER, MANAGER, MEMBER][random(3)];
              await api.bindings.create({ name: `c${c}-${i}`, workspace: ws, subjectKind: 'User', subject, role });
            } else if (op === 2) {
              const list = (await api.bindings.listWorkspaceBindings()).filter((b) => b.workspace === ws);
              if (list.length) await api.bindings.delete(list[random(list.length)]);
            } else if (op === 3) {
              await api.projects.create({ workspace: ws, name: `p${random(5)}`, displayName: 'P', tags: {} });
            } else {
              const projects = (await api.projects.list()).filter((p) => p.workspace === ws);
              if (projects.length) {
                const p = projects[random(projects.length)];
                if (op === 4)
                  await api.bindings.create({
                    name: `c${c}-${i}-p`,
                    workspace: ws,
                    project: p.name,
                    subjectKind: 'User',
                    subject,
                    role: 'Project User',
                  });
                else {
                  const list = await api.bindings.listProjectBindings(ws, p.name);
                  if (list.length) await api.bindings.delete(list[random(list.length)]);
                }
              }
            }
            count('ok');
          } catch (e) {
            // Refusals are the platform's answer (403, 404, 409, 400); anything else is a bug.
            if (!isApiError(e) || e.status === undefined || e.status >= 500) throw e;
            count(String(e.status));
          }
        }
      }),
    );

    // THEN every invariant holds
    for (const ws of workspaces) {
      const wsBindings = (await partner.bindings.listWorkspaceBindings()).filter((b) => b.workspace === ws);
      const projects = (await partner.projects.list()).filter((p) => p.workspace === ws);
      const events = await historyOf(f, ws);
      expect(wsBindings.filter((b) => b.role === OWNER).length).toBeLessThanOrEqual(2);
      expect(maxOwnersInHistory(events)).toBeLessThanOrEqual(2);
      expect(projects.length).toBeLessThanOrEqual(3);
      const members = new Set(wsBindings.map((b) => b.subject));
      for (const p of projects)
        for (const pb of await partner.bindings.listProjectBindings(ws, p.name))
          expect(members.has(pb.subject)).toBe(true);
      expect(duplicated(liveKeys(await liveBindings(partner, [ws])))).toEqual([]);
      expect(replay(events)).toEqual(wsBindings.map((b) => `${b.subject}=${b.role}`).sort());
    }
    expect(outcomes.ok).toBeGreaterThan(300);
    process.stdout.write(
      `concurrency: 50 clients, 1000 random changes: ${JSON.stringify(outcomes)}; every invariant held and the history replays to the live state\n`,
    );
  });
});
