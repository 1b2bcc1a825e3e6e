/**
 * A grant (a workspace or project binding) as meshStack decides it (seeds: meshWorkspaces' roles,
 * Owners, Roles Recertification, the 4-eyes principle; Guide: Emergency Users for
 * restrictCustomerAdminRoleAssignment): refused, held for approval, or applied.
 */
import { parseExpiry } from '../expiry';
import { isApproved } from '../rules';
import { assignedExpiryDate, expiryVerdict } from '../rules/recertification';
import {
  WORKSPACE_MANAGER,
  WORKSPACE_OWNER,
  WORKSPACE_ROLES,
  isProjectRole,
  likelyMeant,
  mayAssignOwner,
  ownerLimitReached,
  ownerSubjectAllowed,
  DEFAULT_PROJECT_ROLES,
} from '../rules';
import { actorRoles, writeRefusal } from './access';
import { approvers, isMember, ownerCount, workspaceBindings } from './membership';
import { type Transition, refused } from './outcome';
import {
  type ModelBinding,
  type ModelContext,
  type PlatformSettings,
  type WorkspaceModel,
  UNKNOWN,
  isKnown,
} from './state';
import { keyOf } from './subjects';

export interface GrantRequest extends ModelBinding {
  /** An invitation by e-mail: the subject need not be a user yet. */
  readonly invitation?: boolean;
}

/** The same binding (subject, role, and the expiry as the platform keeps it: a day for workspace roles). */
function sameBinding(a: ModelBinding, b: ModelBinding): boolean {
  const day = (e?: string) => (e === undefined ? undefined : b.project ? e : (parseExpiry(e)?.apiDate ?? e));
  return (
    a.project === b.project && keyOf(a) === keyOf(b) && a.role === b.role && day(a.expiryDate) === day(b.expiryDate)
  );
}

/** Checks of the grant itself, for `requester`; the first refusal, or what the decision did not know. */
function check(ws: WorkspaceModel, ctx: ModelContext, g: GrantRequest): Transition | { unknowns: string[] } {
  const unknowns: string[] = [];
  const sub = {
    subject: { kind: g.subjectKind, name: g.subject },
    role: g.role,
    ...(g.project ? { project: g.project } : {}),
  };
  if (ws.bindings.some((b) => sameBinding(b, g)))
    return refused(ws, 'binding-exists', 409, { ...sub, workspace: ws.name });
  const actor = isKnown(ctx.actor) ? ctx.actor : undefined;
  if (g.project === undefined) {
    if (!WORKSPACE_ROLES.includes(g.role))
      return refused(ws, 'unknown-workspace-role', 400, { ...sub, roles: [...WORKSPACE_ROLES] });
    if (g.role === WORKSPACE_OWNER) {
      if (!ownerSubjectAllowed(g.subjectKind)) return refused(ws, 'owner-group', 400, { group: g.subject });
      const owners = ownerCount(ws);
      if (actor && !mayAssignOwner({ partner: actor.partner, roles: actorRoles(ws, actor) }, owners))
        return refused(ws, 'owner-grant-rights', 403, { workspace: ws.name, caller: actor.username });
      const already = workspaceBindings(ws).some((b) => b.role === WORKSPACE_OWNER && b.subject === g.subject);
      if (!already && ownerLimitReached(owners))
        return refused(ws, 'owner-limit', 409, { workspace: ws.name, counts: [owners, owners + 1] });
    }
    if (g.role === WORKSPACE_MANAGER && actor && !actor.partner) {
      const restricted = ctx.settings.restrictCustomerAdminRoleAssignment;
      if (restricted === true)
        return refused(ws, 'manager-assignment-restricted', 403, {
          ...sub,
          workspace: ws.name,
          caller: actor.username,
        });
      if (!isKnown(restricted)) unknowns.push('restrictCustomerAdminRoleAssignment');
    }
  } else {
    const project = ws.projects.find((p) => p.name === g.project);
    if (!project || project.state !== 'active')
      return refused(ws, 'project-not-found', 404, { ...sub, workspace: ws.name });
    const member = isMember(ws, g.subjectKind, g.subject);
    if (member === false) return refused(ws, 'project-member-missing', 400, { ...sub, workspace: ws.name });
    if (member === UNKNOWN) unknowns.push('group-members');
    const roles = isKnown(ctx.settings.projectRoles) ? ctx.settings.projectRoles : DEFAULT_PROJECT_ROLES;
    if (!isProjectRole(g.role, roles)) {
      const meant = likelyMeant(g.role, roles);
      return refused(ws, 'unknown-project-role', 400, { ...sub, roles: [...roles], ...(meant ? { meant } : {}) });
    }
  }
  if (g.subjectKind === 'Group' && isKnown(ws.groupMembers) && !(g.subject in ws.groupMembers))
    return refused(ws, 'unknown-subject', 400, { subject: sub.subject, workspace: ws.name });
  if (g.subjectKind === 'User' && !g.invitation && isKnown(ctx.settings.users) && !ctx.settings.users.has(g.subject))
    return refused(ws, 'unknown-subject', 400, { subject: sub.subject, workspace: ws.name });
  const max = maxDays(ctx, g);
  const verdict = expiryVerdict(g.expiryDate, ctx.now, max);
  if (verdict === 'past' || verdict === 'invalid')
    return refused(ws, 'expiry-past', 400, { ...sub, expiry: g.expiryDate! });
  if (verdict === 'beyond-maximum')
    return refused(ws, 'expiry-beyond-recertification', 400, { ...sub, expiry: g.expiryDate!, max: max! });
  return { unknowns };
}

/** Recertification caps workspace roles only (seed: "a specific time frame for a particular Workspace role"). */
function maxDays(ctx: ModelContext, g: ModelBinding): number | undefined {
  if (g.project !== undefined || !isKnown(ctx.settings.recertification)) return undefined;
  return ctx.settings.recertification[g.role];
}

/** The binding as the platform stores it: under recertification one without expiry gets today + the maximum. */
function stored(ctx: ModelContext, g: GrantRequest): ModelBinding {
  const { invitation: _invitation, ...b } = g;
  const max = maxDays(ctx, g);
  return b.expiryDate === undefined && max !== undefined ? { ...b, expiryDate: assignedExpiryDate(ctx.now, max) } : b;
}

/** Adds a binding to the state (an approved request, or a grant that needs no approval). */
export function applyGrant(ws: WorkspaceModel, ctx: ModelContext, g: GrantRequest): Transition {
  const binding = stored(ctx, g);
  return {
    state: { ...ws, bindings: [...ws.bindings, binding] },
    outcome: { class: 'applied' },
    changes: [{ kind: 'binding-added', binding }],
    unknowns: [],
  };
}

/**
 * A grant by the context's actor. Under 4-eyes a user grant by a non-partner waits unless the
 * requester's own approval suffices (fewer approvers than the minimum, all of them the requester);
 * group bindings made through the API are not held. An unknown actor is assumed to wait.
 */
export function grant(ws: WorkspaceModel, ctx: ModelContext, g: GrantRequest): Transition {
  const denied = writeRefusal(ws, ctx);
  if (denied) return refused(ws, denied.rule, denied.status, denied.params as never);
  const checked = check(ws, ctx, g);
  if ('state' in checked) return checked;
  const unknowns = [...checked.unknowns];
  const { fourEyes } = ctx.settings;
  const actor = isKnown(ctx.actor) ? ctx.actor : { username: '', partner: false };
  if (!fourEyes.enabled || actor.partner || g.subjectKind === 'Group')
    return withUnknowns(applyGrant(ws, ctx, g), unknowns);
  const who = approvers(ws);
  if (!isKnown(who)) unknowns.push('group-members');
  // An unknown approver set or caller: assume the grant waits (its old binding then stays until it is approved).
  const alone = isKnown(who) && isKnown(ctx.actor) && isApproved([actor.username], who, fourEyes.minApprovalCount);
  if (alone) return withUnknowns(applyGrant(ws, ctx, g), unknowns);
  const { invitation: _invitation, ...b } = g;
  const request = { ...b, requestedBy: actor.username, approvals: [actor.username] };
  return {
    state: { ...ws, requests: [...ws.requests, request] },
    outcome: {
      class: 'needs-approval',
      approvers: isKnown(who) ? who.filter((m) => m !== actor.username) : UNKNOWN,
      request,
    },
    changes: [{ kind: 'request-filed', request }],
    unknowns,
  };
}

/**
 * Whether a grant may be held for approval, whoever makes it: under 4-eyes a user grant waits for
 * any Owner or Manager whose own approval does not suffice (where the approvers are unknown, for
 * any of them); only a partner's is never held. What a plan does with a subject's old binding rests
 * on this, not on the caller's own class, so that its steps are the same whichever key applies them.
 */
export function mayBeHeld(ws: WorkspaceModel, settings: PlatformSettings, subjectKind: ModelBinding['subjectKind']) {
  const { enabled, minApprovalCount } = settings.fourEyes;
  if (!enabled || subjectKind === 'Group') return false;
  const who = approvers(ws);
  return !isKnown(who) || who.some((m) => !isApproved([m], who, minApprovalCount));
}

const withUnknowns = (t: Transition, unknowns: string[]): Transition =>
  unknowns.length ? { ...t, unknowns: [...t.unknowns, ...unknowns] } : t;

/**
 * An approval of a pending request by the context's actor: once it has enough approvals (or a
 * partner's), the grant is checked again for the requester and applied.
 */
export function approve(ws: WorkspaceModel, ctx: ModelContext, bindingName: string): Transition {
  const r = ws.requests.find((x) => x.name === bindingName);
  // The model holds pending requests only: one it does not hold was decided already (409, as the platform answers).
  if (!r || !isKnown(ctx.actor)) return refused(ws, 'request-not-pending', 409, { workspace: ws.name });
  const actor = ctx.actor;
  if (r.requestedBy === actor.username || r.approvals.includes(actor.username))
    return refused(ws, 'approval-rights', 403, { workspace: ws.name, caller: actor.username });
  const denied = writeRefusal(ws, ctx);
  if (denied) return refused(ws, denied.rule, denied.status, denied.params as never);
  const approvals = [...r.approvals, actor.username];
  const who = approvers(ws);
  const done = actor.partner || isApproved(approvals, isKnown(who) ? who : [], ctx.settings.fourEyes.minApprovalCount);
  const rest = ws.requests.filter((x) => x !== r);
  if (!done) {
    const request = { ...r, approvals };
    return {
      state: { ...ws, requests: [...rest, request] },
      outcome: {
        class: 'needs-approval',
        approvers: isKnown(who) ? who.filter((m) => !approvals.includes(m)) : UNKNOWN,
        request,
      },
      changes: [{ kind: 'request-decided', request, status: 'PENDING' }],
      unknowns: isKnown(who) ? [] : ['group-members'],
    };
  }
  // The rules hold again at approval, for the requester: the Owner limit may have been reached meanwhile.
  const base = { ...ws, requests: rest };
  const requester = { ...ctx, actor: { username: r.requestedBy, partner: false } };
  const checked = check(base, requester, r);
  if ('state' in checked) return { ...checked, state: ws };
  const { requestedBy: _by, approvals: _a, ...g } = r;
  const applied = applyGrant(base, ctx, g);
  return {
    ...applied,
    changes: [{ kind: 'request-decided', request: { ...r, approvals }, status: 'APPROVED' }, ...applied.changes],
  };
}
