/** Removes bindings whose expiry has passed, as meshStack does, with an event naming the expiry. */
import { isExpired } from '../../core/expiry';
import type { Tx } from '../db';
import type { WorkspaceRow } from './access';
import { removeWorkspaceBindingRows } from './bindings';
import { recordEvent } from './events';

export const SYSTEM_ACTOR = 'meshStack (expiry)';

export async function sweepExpired(tx: Tx, now: Date): Promise<number> {
  const today = now.toISOString().slice(0, 10);
  const expired = await tx.query<{ name: string; workspace: string }>('select name, workspace from workspace_bindings where expiry_date is not null and expiry_date < $1::date', [today]);
  for (const b of expired) {
    const [ws] = await tx.query<WorkspaceRow>('select * from workspaces where name = $1', [b.workspace]);
    await removeWorkspaceBindingRows(tx, SYSTEM_ACTOR, ws, [b.name], now, 'expired');
  }
  const candidates = await tx.query<{ name: string; workspace: string; project: string; subject_kind: string; subject: string; role: string; expiry_date: string }>(
    'select name, workspace, project, subject_kind, subject, role, expiry_date from project_bindings where expiry_date is not null',
  );
  let removed = expired.length;
  for (const b of candidates.filter((c) => isExpired(c.expiry_date, now))) {
    await tx.query('delete from project_bindings where name = $1', [b.name]);
    await recordEvent(tx, { workspace: b.workspace, project: b.project, type: 'PROJECT_USER_REMOVED', actor: SYSTEM_ACTOR, at: now, details: { subjectKind: b.subject_kind, subject: b.subject, role: b.role, reason: 'expired', expiryDate: b.expiry_date } });
    removed++;
  }
  return removed;
}
