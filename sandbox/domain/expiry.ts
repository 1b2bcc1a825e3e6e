/**
 * What happens with time on the platform: bindings past their expiry are removed (with an event
 * naming the expiry), and project deletions whose tenants are gone finish.
 */
import { expiryEnd, hasExpired } from '../util/time';
import type { Db, Tx } from '../db';
import type { WorkspaceRow } from './access';
import { removeWorkspaceBindingRows } from './bindings';
import { recordEvent } from './events';
import { finishProjectDeletions, nextProjectDeletion } from './projects';

const SYSTEM_ACTOR = 'meshStack (expiry)';

/**
 * The earliest moment a stored binding expires, so that requests sweep only when something is due
 * (a sweep costs queries on every request otherwise). Grants lower it as they write; a sweep sets it
 * after its transaction committed, keeping any lower expiry noted meanwhile. Sweeps run one at a time.
 */
export class ExpiryWatch {
  /** undefined: not known yet (sweep). */
  private next?: number;
  private notedSinceSweep = Infinity;
  private running?: Promise<void>;

  public due(now: Date): boolean {
    return this.next === undefined || now.getTime() >= this.next;
  }

  /** A binding with this expiry is being written. */
  public note(expiry: string): void {
    this.noteAt(expiryEnd(expiry)?.getTime() ?? -Infinity);
  }

  /** Something falls due at `at` (ms since the epoch), e.g. a project deletion finishing. */
  public noteAt(at: number): void {
    this.notedSinceSweep = Math.min(this.notedSinceSweep, at);
    if (this.next !== undefined) this.next = Math.min(this.next, at);
  }

  /** Runs `sweep` (which returns the next expiry left) until nothing is due at `now`. */
  public async sweepIfDue(now: Date, sweep: () => Promise<number>): Promise<void> {
    while (this.due(now)) {
      if (!this.running) {
        this.notedSinceSweep = Infinity;
        this.running = sweep()
          .then((nextAt) => void (this.next = Math.min(nextAt, this.notedSinceSweep)))
          .finally(() => (this.running = undefined));
      }
      await this.running;
    }
  }
}

/** Sweeps in a transaction of its own when an expiry is due, so a failing request never undoes it. */
export function sweepIfDue(db: Db, now: Date): Promise<void> {
  return db.expiryWatch.sweepIfDue(now, () => db.transaction(async (tx) => (await sweepExpired(tx, now)).nextAt));
}

/**
 * Removes what has expired at `now` and finishes due deletions; returns how many bindings went, and
 * when the next thing is due. One sweep can find several expiries (nothing asked the platform in
 * between): they go in the order they fell due, so a project role that ran out before its subject's
 * membership is recorded as expired, not as "removed from workspace".
 */
export async function sweepExpired(tx: Tx, now: Date): Promise<{ removed: number; nextAt: number }> {
  const today = now.toISOString().slice(0, 10);
  const memberships = await tx.query<{ name: string; workspace: string; day: string }>(
    `select name, workspace, to_char(expiry_date, 'YYYY-MM-DD') as day from workspace_bindings where expiry_date is not null and expiry_date < $1::date`,
    [today],
  );
  const candidates = await tx.query<{
    name: string;
    workspace: string;
    project: string;
    subject_kind: string;
    subject: string;
    role: string;
    expiry_date: string;
  }>(
    'select name, workspace, project, subject_kind, subject, role, expiry_date from project_bindings where expiry_date is not null',
  );
  let nextAt = Infinity;
  const due: { at: number; remove: () => Promise<number> }[] = memberships.map((b) => ({
    at: expiryEnd(b.day)!.getTime(),
    remove: async () => {
      const [ws] = await tx.query<WorkspaceRow>('select * from workspaces where name = $1', [b.workspace]);
      await removeWorkspaceBindingRows(tx, SYSTEM_ACTOR, ws, [b.name], now, 'expired');
      return 1;
    },
  }));
  for (const c of candidates) {
    if (!hasExpired(c.expiry_date, now)) {
      nextAt = Math.min(nextAt, expiryEnd(c.expiry_date)?.getTime() ?? Infinity);
      continue;
    }
    due.push({
      at: expiryEnd(c.expiry_date)!.getTime(),
      remove: async () => {
        // Gone already where an earlier expiry ended the subject's membership.
        if (!(await tx.query('delete from project_bindings where name = $1 returning name', [c.name])).length) return 0;
        await recordEvent(tx, {
          workspace: c.workspace,
          project: c.project,
          type: 'PROJECT_USER_REMOVED',
          actor: SYSTEM_ACTOR,
          at: now,
          details: {
            subjectKind: c.subject_kind,
            subject: c.subject,
            role: c.role,
            reason: 'expired',
            expiryDate: c.expiry_date,
          },
        });
        return 1;
      },
    });
  }
  let removed = 0;
  for (const d of due.sort((a, b) => a.at - b.at)) removed += await d.remove();
  const [{ day }] = await tx.query<{ day: string | null }>(
    `select to_char(min(expiry_date), 'YYYY-MM-DD') as day from workspace_bindings where expiry_date is not null`,
  );
  if (day) nextAt = Math.min(nextAt, expiryEnd(day)!.getTime());
  await finishProjectDeletions(tx, now);
  return { removed, nextAt: Math.min(nextAt, await nextProjectDeletion(tx)) };
}
