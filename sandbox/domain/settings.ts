/** Platform settings the seeds describe; changed through the /sandbox/v1/settings extension. */
import type { Tx } from '../db';
import { badRequest } from '../problem';

export interface PlatformSettings {
  /** 4-eyes principle for role grants (meshStack: mesh.web.user.rolerequest.*). */
  readonly fourEyes: { readonly enabled: boolean; readonly minApprovalCount: number };
  /** Recertification: maximum duration in days per role name. */
  readonly recertification: Readonly<Record<string, number>>;
  /** When true, only partners assign Workspace Manager, and a partner's "add myself" yields Workspace Member. */
  readonly restrictCustomerAdminRoleAssignment: boolean;
  /** New workspaces registered by non-partners wait for a partner's approval. */
  readonly workspaceApprovalRequired: boolean;
  /** How long a project stays PENDING_DELETION (standing in for its tenants' deletion), in seconds of sandbox time. */
  readonly projectDeletionDelaySeconds: number;
}

export const DEFAULT_SETTINGS: PlatformSettings = {
  fourEyes: { enabled: false, minApprovalCount: 2 },
  recertification: {},
  restrictCustomerAdminRoleAssignment: false,
  workspaceApprovalRequired: false,
  projectDeletionDelaySeconds: 60,
};

export async function getSettings(tx: Tx): Promise<PlatformSettings> {
  const [row] = await tx.query<{ value: PlatformSettings }>(`select value from settings where key = 'platform'`);
  return { ...DEFAULT_SETTINGS, ...(row?.value ?? {}) };
}

export async function putSettings(tx: Tx, patch: Partial<PlatformSettings>): Promise<PlatformSettings> {
  const next = { ...(await getSettings(tx)), ...patch };
  if (!Number.isInteger(next.fourEyes.minApprovalCount) || next.fourEyes.minApprovalCount < 1) {
    throw badRequest(`fourEyes.minApprovalCount must be a whole number >= 1, got ${next.fourEyes.minApprovalCount}`);
  }
  for (const [role, days] of Object.entries(next.recertification)) {
    if (!Number.isInteger(days) || days < 1) throw badRequest(`recertification["${role}"] must be a whole number of days >= 1, got ${days}`);
  }
  await tx.query(`insert into settings (key, value) values ('platform', $1) on conflict (key) do update set value = excluded.value`, [next]);
  return next;
}

export async function getMeta<T>(tx: Tx, key: string): Promise<T | undefined> {
  const [row] = await tx.query<{ value: T }>('select value from meta where key = $1', [key]);
  return row?.value;
}

export async function putMeta(tx: Tx, key: string, value: unknown): Promise<void> {
  await tx.query('insert into meta (key, value) values ($1, $2) on conflict (key) do update set value = excluded.value', [key, JSON.stringify(value)]);
}
