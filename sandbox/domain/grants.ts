/**
 * A role grant, workspace or project, from request to binding: the checks (who may grant which role,
 * owner limit, recertification, workspace membership) and the 4-eyes decision. Used by the binding
 * endpoints and by the approval of pending requests, so both enforce the same rules.
 */
import { randomUUID } from 'crypto';
import { beyondRecertification, expiryEnd, hasExpired, latestExpiryDay } from '../util/time';
import type { Tx } from '../db';
import { badRequest } from '../problem';
import { refuse } from './refusals';
import { requireProjectRole } from './project-roles';
import { type Access, MANAGER, OWNER, WORKSPACE_ROLES, type WorkspaceRow, rolesOf } from './access';
import { emailOf, notify, recordEvent } from './events';
import { type PlatformSettings, getSettings } from './settings';

const MAX_OWNERS = 2;

export interface Grant {
  readonly workspace: string;
  /** Set for project role grants. */
  readonly project?: string;
  readonly bindingName: string;
  readonly subjectKind: 'user' | 'group';
  readonly subject: string;
  readonly role: string;
  readonly expiryDate?: string;
  /** First and last name for a user the platform does not know yet (subject is the e-mail). */
  readonly invitation?: { firstName: string; lastName: string };
  /** Why it is granted (a sandbox extension), recorded with the event. */
  readonly reason?: string;
}

export interface GrantOutcome {
  readonly status: 'created' | 'pending';
  readonly requestId?: string;
}

/** Distinct users holding Owner: a renewal's second binding of the same Owner is no second Owner. */
async function ownerCount(tx: Tx, workspace: string): Promise<number> {
  const [{ n }] = await tx.query<{ n: number }>(
    `select count(distinct subject)::int as n from workspace_bindings where workspace = $1 and role = $2`,
    [workspace, OWNER],
  );
  return n;
}

function bindingTable(g: Grant): 'workspace_bindings' | 'project_bindings' {
  return g.project === undefined ? 'workspace_bindings' : 'project_bindings';
}

/** Everything that makes a grant invalid for this caller, at this moment; throws the matching 4xx. */
export async function checkGrant(tx: Tx, a: Access, g: Grant, settings: PlatformSettings, now: Date): Promise<Grant> {
  const p = a.principal;
  const table = bindingTable(g);
  const [taken] = await tx.query(
    `select 1 from ${table} where name = $1 union select 1 from role_requests where binding_name = $1 and status = 'PENDING'`,
    [g.bindingName],
  );
  if (taken) throw refuse('binding-name-taken', `a binding named '${g.bindingName}' already exists`);
  // A renewal (the same role with another expiry) is a binding of its own; the same binding twice is not.
  const [same] = await tx.query(
    `select 1 from ${table} where workspace = $1 and subject_kind = $2 and subject = $3 and role = $4 and coalesce(expiry_date::text, '') = $5${g.project === undefined ? '' : ' and project = $6'}`,
    g.project === undefined
      ? [g.workspace, g.subjectKind, g.subject, g.role, g.expiryDate ?? '']
      : [g.workspace, g.subjectKind, g.subject, g.role, g.expiryDate ?? '', g.project],
  );
  if (same)
    throw refuse(
      'role-held',
      `${g.subjectKind} '${g.subject}' already has role '${g.role}' on '${g.project ?? g.workspace}'`,
    );

  if (g.project === undefined) {
    if (!WORKSPACE_ROLES.includes(g.role))
      throw refuse(
        'workspace-role-unknown',
        `roleRef.name must be one of ${WORKSPACE_ROLES.join(', ')}, got '${g.role}'`,
      );
    if (g.role === OWNER) {
      if (g.subjectKind === 'group')
        throw refuse('owner-is-user', 'the Workspace Owner role can only be assigned to users, not to groups');
      const owners = await ownerCount(tx, g.workspace);
      if (!p.isPartner && !a.roles.has(OWNER) && !(owners === 0 && a.roles.has(MANAGER))) {
        throw refuse(
          'owner-assignment-rights',
          `only a Workspace Owner may assign the Workspace Owner role in '${g.workspace}' (a Manager only while it has no Owner)`,
        );
      }
      const already =
        (
          await tx.query(`select 1 from workspace_bindings where workspace = $1 and role = $2 and subject = $3`, [
            g.workspace,
            OWNER,
            g.subject,
          ])
        ).length > 0;
      if (owners >= MAX_OWNERS && !already)
        throw refuse(
          'owner-limit',
          `meshWorkspace '${g.workspace}' already has ${owners} Workspace Owners; at most ${MAX_OWNERS} are allowed`,
        );
    }
    if (g.role === MANAGER && settings.restrictCustomerAdminRoleAssignment && !p.isPartner) {
      throw refuse(
        'manager-assignment-restricted',
        'Workspace Manager role assignment is restricted to partners on this platform',
      );
    }
  } else {
    const [project] = await tx.query(`select 1 from projects where workspace = $1 and name = $2 and state = 'ACTIVE'`, [
      g.workspace,
      g.project,
    ]);
    if (!project) throw refuse('project-missing', `meshProject '${g.workspace}.${g.project}' not found`);
    await requireProjectRole(tx, g.role);
    const member =
      g.subjectKind === 'user'
        ? (await rolesOf(tx, g.subject, g.workspace)).size > 0
        : (
            await tx.query(
              `select 1 from workspace_bindings where workspace = $1 and subject_kind = 'group' and subject = $2`,
              [g.workspace, g.subject],
            )
          ).length > 0;
    if (!member)
      throw refuse(
        'project-member-missing',
        `${g.subjectKind} '${g.subject}' must be assigned to meshWorkspace '${g.workspace}' before getting a project role`,
      );
  }

  if (g.subjectKind === 'group') {
    const [group] = await tx.query('select 1 from user_groups where workspace = $1 and name = $2', [
      g.workspace,
      g.subject,
    ]);
    if (!group) throw refuse('group-missing', `meshWorkspaceUserGroup '${g.workspace}.${g.subject}' does not exist`);
  } else if (!g.invitation) {
    const [user] = await tx.query('select 1 from users where username = $1', [g.subject]);
    if (!user)
      throw refuse(
        'user-missing',
        `meshUser '${g.subject}' does not exist; invite them with an e-mail address, first and last name`,
      );
  }
  return { ...g, expiryDate: checkExpiry(g, settings, now) };
}

/**
 * Recertification: a maximum duration makes an expiry mandatory (defaulted for API calls) and caps it.
 * It is set per workspace role ("a specific time frame for a particular Workspace role"): a project
 * role named in the settings is not capped.
 */
function checkExpiry(g: Grant, settings: PlatformSettings, now: Date): string | undefined {
  const max = g.project === undefined ? settings.recertification[g.role] : undefined;
  if (g.expiryDate === undefined) return max === undefined ? undefined : latestExpiryDay(now, max);
  if (!expiryEnd(g.expiryDate)) throw badRequest(`expiryDate '${g.expiryDate}' is not a valid date`);
  if (hasExpired(g.expiryDate, now)) throw refuse('expiry-past', `expiryDate ${g.expiryDate} is in the past`);
  if (max !== undefined && beyondRecertification(g.expiryDate, now, max)) {
    throw refuse(
      'expiry-beyond-recertification',
      `expiryDate ${g.expiryDate} exceeds the maximum duration of ${max} days for role '${g.role}' (latest ${latestExpiryDay(now, max)})`,
    );
  }
  return g.expiryDate;
}

/** Users who can approve requests in a workspace: its Owners and Managers (directly bound users). */
export async function approvers(tx: Tx, workspace: string): Promise<string[]> {
  // Managers through a group count: leaving them out lets an Owner pass as "fewer managers than the minimum".
  const rows = await tx.query<{ subject: string }>(
    `select subject from workspace_bindings where workspace = $1 and subject_kind = 'user' and role in ($2, $3)
     union
     select jsonb_array_elements_text(g.members) from workspace_bindings b join user_groups g on g.workspace = b.workspace and g.name = b.subject
     where b.workspace = $1 and b.subject_kind = 'group' and b.role in ($2, $3)
     order by subject`,
    [workspace, OWNER, MANAGER],
  );
  return rows.map((r) => r.subject);
}

/** Whether a request with these approvals is approved under the 4-eyes settings. */
export function isApproved(approvals: string[], managers: string[], minApprovalCount: number): boolean {
  if (approvals.length >= minApprovalCount) return true;
  // Fewer managers than the minimum: approved once all of them approved.
  return managers.length < minApprovalCount && managers.every((m) => approvals.includes(m));
}

/** Grants at once, or, under 4-eyes for a non-partner user grant, files a request counted as the requester's approval. */
export async function requestOrApply(tx: Tx, a: Access, grant: Grant, now: Date): Promise<GrantOutcome> {
  const settings = await getSettings(tx);
  const g = await checkGrant(tx, a, grant, settings, now);
  const p = a.principal;
  // meshStack applies no 4-eyes to group bindings created through the API, and partners confirm directly.
  if (settings.fourEyes.enabled && !p.isPartner && g.subjectKind === 'user') {
    const managers = await approvers(tx, g.workspace);
    if (!isApproved([p.username], managers, settings.fourEyes.minApprovalCount)) {
      const id = randomUUID();
      await tx.query(
        `insert into role_requests (id, workspace, project, binding_name, subject_kind, subject, role, expiry_date, invitation, requested_by, requested_at, approvals, status, reason)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'PENDING', $13)`,
        [
          id,
          g.workspace,
          g.project ?? null,
          g.bindingName,
          g.subjectKind,
          g.subject,
          g.role,
          g.expiryDate ?? null,
          g.invitation ?? null,
          p.username,
          now.toISOString(),
          JSON.stringify([p.username]),
          g.reason ?? null,
        ],
      );
      await recordEvent(tx, {
        workspace: g.workspace,
        project: g.project,
        type: 'ROLE_REQUEST_CREATED',
        actor: p.username,
        at: now,
        details: { requestId: id, subjectKind: g.subjectKind, subject: g.subject, role: g.role, ...why(g) },
      });
      for (const m of managers.filter((x) => x !== p.username)) {
        await notify(
          tx,
          await emailOf(tx, m),
          `Role request in ${g.workspace}`,
          `${p.username} requests role ${g.role} for ${g.subject}; please approve or decline.`,
          now,
        );
      }
      return { status: 'pending', requestId: id };
    }
  }
  await applyGrant(tx, p.username, a.workspace, g, now);
  return { status: 'created' };
}

const why = (g: Grant) => (g.reason ? { reason: g.reason } : {});

/** Writes the binding and its event and e-mail. The caller has checked the grant. */
export async function applyGrant(tx: Tx, actor: string, ws: WorkspaceRow, g: Grant, now: Date): Promise<void> {
  if (g.expiryDate) tx.expiryWatch.note(g.expiryDate);
  if (g.project === undefined) {
    const before = await tx.query(
      `select 1 from workspace_bindings where workspace = $1 and subject_kind = $2 and subject = $3`,
      [g.workspace, g.subjectKind, g.subject],
    );
    await tx.query(
      `insert into workspace_bindings (name, subject_kind, workspace, role, subject, expiry_date, created_on) values ($1, $2, $3, $4, $5, $6, $7)`,
      [g.bindingName, g.subjectKind, g.workspace, g.role, g.subject, g.expiryDate ?? null, now.toISOString()],
    );
    if (g.invitation) {
      await tx.query(
        `insert into invitations (email, workspace, first_name, last_name, status, invited_by, created_on) values ($1, $2, $3, $4, 'PENDING', $5, $6)
         on conflict (email, workspace) do update set status = 'PENDING'`,
        [g.subject, g.workspace, g.invitation.firstName, g.invitation.lastName, actor, now.toISOString()],
      );
    }
    const type = before.length ? 'USER_ROLE_CHANGED' : 'USER_INVITED';
    await recordEvent(tx, {
      workspace: g.workspace,
      type,
      actor,
      at: now,
      details: {
        subjectKind: g.subjectKind,
        subject: g.subject,
        role: g.role,
        added: true,
        expiryDate: g.expiryDate ?? null,
        ...(g.invitation ? { invitation: g.invitation } : {}),
        ...why(g),
      },
    });
  } else {
    await tx.query(
      `insert into project_bindings (name, subject_kind, workspace, project, role, subject, expiry_date, created_on) values ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        g.bindingName,
        g.subjectKind,
        g.workspace,
        g.project,
        g.role,
        g.subject,
        g.expiryDate ?? null,
        now.toISOString(),
      ],
    );
    await recordEvent(tx, {
      workspace: g.workspace,
      project: g.project,
      type: 'PROJECT_USER_ASSIGNED',
      actor,
      at: now,
      details: {
        subjectKind: g.subjectKind,
        subject: g.subject,
        role: g.role,
        expiryDate: g.expiryDate ?? null,
        ...why(g),
      },
    });
  }
  await notify(
    tx,
    await emailOf(tx, g.subject),
    `Access granted to ${ws.display_name}`,
    `You were granted ${g.role} on ${g.project ? `project ${g.project} in ` : ''}workspace ${g.workspace}.`,
    now,
  );
}
