/** Platform settings the seeds describe; changed through the /sandbox/v1/settings extension. */
import type { Tx } from '../db';
import { badRequest } from '../problem';
import { WORKSPACE_ROLES } from './access';

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

const DEFAULT_SETTINGS: PlatformSettings = {
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

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const whole = (v: unknown, min: number, max: number) =>
  Number.isInteger(v) && (v as number) >= min && (v as number) <= max;

/** Checks a patch against what each setting can hold: a value stored as given would disagree with /mesh/info. */
function checkPatch(patch: unknown): Partial<PlatformSettings> {
  if (!isObject(patch)) throw badRequest('settings must be an object');
  const bool = (name: string, v: unknown) => {
    if (typeof v !== 'boolean') throw badRequest(`${name} must be true or false, got ${JSON.stringify(v)}`);
  };
  for (const [key, v] of Object.entries(patch)) {
    if (!(key in DEFAULT_SETTINGS))
      throw badRequest(`unknown setting "${key}" (settings: ${Object.keys(DEFAULT_SETTINGS).join(', ')})`);
    if (key === 'fourEyes') {
      if (!isObject(v)) throw badRequest('fourEyes must be an object');
      for (const k of Object.keys(v))
        if (k !== 'enabled' && k !== 'minApprovalCount') throw badRequest(`unknown setting "fourEyes.${k}"`);
      if (v.enabled !== undefined) bool('fourEyes.enabled', v.enabled);
      if (v.minApprovalCount !== undefined && !whole(v.minApprovalCount, 1, 10))
        throw badRequest(
          `fourEyes.minApprovalCount must be a whole number from 1 to 10, got ${JSON.stringify(v.minApprovalCount)}`,
        );
    } else if (key === 'recertification') {
      if (!isObject(v)) throw badRequest('recertification must be an object of role name → days');
      for (const [role, days] of Object.entries(v)) {
        // Seed "Roles Recertification": a time frame "for a particular Workspace role", set in the Compliance tab.
        if (!WORKSPACE_ROLES.includes(role))
          throw badRequest(
            `recertification["${role}"]: recertification is set per workspace role (${WORKSPACE_ROLES.join(', ')})`,
          );
        if (!whole(days, 1, 36_500))
          throw badRequest(
            `recertification["${role}"] must be a whole number of days from 1 to 36500, got ${JSON.stringify(days)}`,
          );
      }
    } else if (key === 'projectDeletionDelaySeconds') {
      if (!whole(v, 0, 31_536_000))
        throw badRequest(
          `projectDeletionDelaySeconds must be a whole number of seconds from 0 to 31536000, got ${JSON.stringify(v)}`,
        );
    } else {
      bool(key, v);
    }
  }
  return patch;
}

export async function putSettings(tx: Tx, body: unknown): Promise<PlatformSettings> {
  const patch = checkPatch(body);
  const current = await getSettings(tx);
  // fourEyes is merged: {"fourEyes": {"enabled": true}} keeps the minimum.
  const next = {
    ...current,
    ...patch,
    ...(patch.fourEyes ? { fourEyes: { ...current.fourEyes, ...patch.fourEyes } } : {}),
  };
  await tx.query(
    `insert into settings (key, value) values ('platform', $1) on conflict (key) do update set value = excluded.value`,
    [next],
  );
  return next;
}

export async function getMeta<T>(tx: Tx, key: string): Promise<T | undefined> {
  const [row] = await tx.query<{ value: T }>('select value from meta where key = $1', [key]);
  return row?.value;
}

export async function putMeta(tx: Tx, key: string, value: unknown): Promise<void> {
  await tx.query(
    'insert into meta (key, value) values ($1, $2) on conflict (key) do update set value = excluded.value',
    [key, JSON.stringify(value)],
  );
}
