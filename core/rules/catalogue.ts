/**
 * Every rule meshform knows, with its stable id, where it applies, and the one function that
 * words it. Synth validation, the plan, the renderers and the in-memory fake take rule ids and
 * messages from here; no rule id or sentence about a rule is written anywhere else on the client
 * side. (The sandbox, which stands in for meshStack, has its own independent checks.)
 */
import { MAX_WORKSPACE_OWNERS } from './roles';

/** A subject as findings name it: whose binding, not a hash. */
export interface SubjectRef {
  readonly kind: 'User' | 'Group';
  readonly name: string;
  readonly invitation?: { readonly firstName: string; readonly lastName: string; readonly email: string };
}

export function describeSubject(s: SubjectRef): string {
  if (s.kind === 'Group') return `group "${s.name}"`;
  return s.invitation
    ? `invited user "${s.name}" (${s.invitation.firstName} ${s.invitation.lastName})`
    : `user "${s.name}"`;
}

const on = (project?: string) => (project ? ` on project "${project}"` : '');
const list = (xs: readonly string[]) => xs.join(', ');
const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
/** How long until something ends, in the largest whole unit: "in 2 hours", not a day rounded up. */
function inTime(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return `in ${plural(Math.max(minutes, 1), 'minute')}`;
  if (minutes < 24 * 60) return `in ${plural(Math.floor(minutes / 60), 'hour')}`;
  return `in ${plural(Math.floor(minutes / (24 * 60)), 'day')}`;
}

/**
 * `refusal`: the plan is refused (exit 3); `error`: the manifest is invalid; `warning`: said, not
 * refused; `note`: what a workspace's plan does not do, and why.
 */
export type Level = 'refusal' | 'error' | 'warning' | 'note';

interface Rule<P> {
  readonly level: Level;
  /** The flag that allows what the rule refuses, where there is one. */
  readonly override?: string;
  readonly message: (p: P) => string;
}

function rule<P>(level: Level, message: (p: P) => string, override?: string): Rule<P> {
  return { level, message, ...(override ? { override } : {}) };
}

type Sub = { subject: SubjectRef; role: string; project?: string };

export const RULES = {
  // ---- the manifest (synth time, and whenever meshform reads it) ------------------------------
  'identifier-format': rule<{ what: string; id: string; max: number }>(
    'error',
    (p) =>
      `${p.what} identifier "${p.id}" is invalid: use lowercase letters, digits and dashes, start and end with a letter or digit, at most ${p.max} characters. Identifiers can never be changed later.`,
  ),
  'duplicate-identifier': rule<{ what: string; id: string; first: string; workspace?: string }>(
    'error',
    (p) =>
      `${p.what} identifier "${p.id}" is declared twice${p.workspace ? ` in workspace "${p.workspace}"` : ''} (also at ${p.first}); identifiers are unique.`,
  ),
  'duplicate-binding': rule<Sub & { first: string }>(
    'error',
    (p) => `${describeSubject(p.subject)} is bound to "${p.role}"${on(p.project)} twice (also at ${p.first}).`,
  ),
  'invitation-name': rule<{ email: string; name: string }>(
    'error',
    (p) => `an invited user's name must be their e-mail "${p.email}", got "${p.name}".`,
  ),
  'owner-group': rule<{ group: string }>(
    'error',
    (p) =>
      `the Workspace Owner role can only be given to users, not to group "${p.group}"; give the group Workspace Manager instead.`,
  ),
  'quota-value': rule<{ value: number }>('error', (p) => `project quota must be a whole number >= 0, got ${p.value}.`),
  'quota-below-projects': rule<{ workspace: string; quota: number; projects: number }>(
    'error',
    (p) =>
      `workspace "${p.workspace}" has a project quota of ${p.quota} but declares ${p.projects} projects; raise the quota or remove projects.`,
  ),
  'quota-duplicate': rule<{ workspace: string; paths: string[] }>(
    'error',
    (p) => `workspace "${p.workspace}" has ${p.paths.length} project quotas (${list(p.paths)}); keep one.`,
  ),
  'quota-referenced': rule<{ workspace: string }>(
    'error',
    (p) =>
      `the quota of referenced workspace "${p.workspace}" is not managed by this code; declare it with new Workspace() to manage it.`,
  ),
  'expiry-required': rule<Sub & { max: number }>(
    'error',
    (p) =>
      `${describeSubject(p.subject)} as "${p.role}"${on(p.project)}: the role requires an expiry date, the role policy limits it to ${p.max} days. Set expiryDate to at most ${p.max} days from now.`,
  ),
  'expiry-invalid': rule<Sub & { value: string }>(
    'error',
    (p) =>
      `${describeSubject(p.subject)} as "${p.role}"${on(p.project)}: expiryDate "${p.value}" is not a real date (YYYY-MM-DD) or RFC 3339 date-time.`,
  ),
  'expiry-past': rule<Sub & { expiry: string }>(
    'warning',
    (p) =>
      `${describeSubject(p.subject)} as "${p.role}"${on(p.project)}: expiryDate ${p.expiry} has passed, so the binding is removed, not created.`,
  ),
  'project-subject-not-in-workspace': rule<Sub & { workspace: string }>(
    'error',
    (p) =>
      `${describeSubject(p.subject)} has role "${p.role}" on project "${p.project}" but no role on workspace "${p.workspace}"; meshStack requires workspace membership first: add a workspace binding (e.g. Workspace Member).`,
  ),
  'project-workspace': rule<{ project: string; workspace: string; owner: string }>(
    'error',
    (p) => `project "${p.project}" is listed under workspace "${p.workspace}" but says it is owned by "${p.owner}".`,
  ),
  'tag-definition-name': rule<{ expected: string; got: string }>(
    'error',
    (p) => `tag definition name must be "${p.expected}" (<targetKind>.<key>), got "${p.got}".`,
  ),
  'tag-regex-invalid': rule<{ definition: string; regex: string; problem: string }>(
    'error',
    (p) =>
      `tag definition "${p.definition}": validationRegex ${p.regex} is not a regular expression meshform can check (${p.problem}); write it without Java-only syntax such as inline flags (?i) or possessive quantifiers.`,
  ),
  'recertification-days': rule<{ role: string; days: number }>(
    'error',
    (p) => `maximum duration of "${p.role}" must be a whole number of days >= 1, got ${p.days}.`,
  ),

  // ---- both: the manifest and the plan against the live platform ------------------------------
  'owner-limit': rule<{ workspace: string; owners?: string[]; counts?: number[] }>('refusal', (p) =>
    p.counts
      ? `workspace "${p.workspace}" would have more than ${MAX_WORKSPACE_OWNERS} Workspace Owners at some step (${p.counts.join(' → ')}); make the others Workspace Managers.`
      : `workspace "${p.workspace}" declares ${p.owners?.length} Workspace Owners (${list(p.owners ?? [])}); meshStack allows at most ${MAX_WORKSPACE_OWNERS}. Make the others Workspace Managers.`,
  ),
  'expiry-beyond-recertification': rule<Sub & { expiry: string; max: number }>(
    'refusal',
    (p) =>
      `${describeSubject(p.subject)} as "${p.role}"${on(p.project)} until ${p.expiry}: the platform allows at most ${p.max} days for ${p.role}; choose an earlier date.`,
  ),
  'tag-undefined': rule<{ key: string; kind: string }>(
    'refusal',
    (p) => `tag key "${p.key}" is not allowed on ${p.kind}: no tag definition "${p.kind}.${p.key}" exists.`,
  ),
  'tag-value': rule<{ key: string; problem: string }>('refusal', (p) => `tag "${p.key}": ${p.problem}`),
  'tag-mandatory': rule<{ key: string; kind: string }>(
    'refusal',
    (p) => `tag "${p.key}" is mandatory on every ${p.kind} (tag definition "${p.kind}.${p.key}").`,
  ),

  // ---- the plan: refusals ------------------------------------------------------------------------
  'last-owner': rule<{ workspace: string }>(
    'refusal',
    (p) =>
      `the plan removes the last Workspace Owner of "${p.workspace}"; declare a new Owner, or pass --allow-last-owner-removal if that is intended.`,
    '--allow-last-owner-removal',
  ),
  'self-lockout': rule<{ workspace: string; caller: string; roles: string[] }>(
    'refusal',
    (p) =>
      `the plan removes the caller's own ${p.roles.join(' and ')} role in "${p.workspace}" (${p.caller}), after which it could not manage this workspace; add ${p.caller} to the code, or pass --allow-self-lockout if that is intended.`,
    '--allow-self-lockout',
  ),
  'self-lockout-unknown': rule<{ workspace: string; caller: string; groups: string[] }>(
    'refusal',
    (p) =>
      `the plan removes user group bindings in "${p.workspace}" through which ${p.caller} may manage it, and whether ${p.caller} is in ${list(p.groups.map((g) => `"${g}"`))} is unknown (this key is not shown the members): it might lock itself out. Plan with a key that may read the groups, add ${p.caller} to the code, or pass --allow-self-lockout if that is intended.`,
    '--allow-self-lockout',
  ),
  'fewer-approvers': rule<{ workspace: string; removed: string[]; left: number; min: number }>(
    'refusal',
    (p) =>
      `the plan removes ${list(p.removed)} from "${p.workspace}" and grants roles in it too: with ${p.left} Workspace Owner/Manager left, fewer than the ${p.min} approvals 4-eyes asks for, a grant needs nobody else's approval (the platform's rule for small workspaces); grant in one plan and remove in the next, or pass --allow-fewer-approvers if that is intended.`,
    '--allow-fewer-approvers',
  ),
  'caller-rights': rule<{ workspace: string; caller: string; roles: string[] }>(
    'refusal',
    (p) =>
      `${p.caller} holds ${p.roles.length ? p.roles.join(' and ') : 'no role'} in "${p.workspace}": only its Workspace Owners and Managers (or a partner) manage access and projects; apply this workspace with such a key.`,
  ),
  'owner-grant-rights': rule<{ workspace: string; caller: string }>(
    'refusal',
    (p) =>
      `only a Workspace Owner may assign the Owner role in "${p.workspace}" while it has one, and ${p.caller} is not an Owner there; apply it with an Owner's or a partner's key.`,
  ),
  'owner-removal-rights': rule<{ workspace: string; caller: string; owners: string[] }>(
    'refusal',
    (p) =>
      `removing Workspace Owner ${list(p.owners)} from "${p.workspace}" needs an Owner's or a partner's rights, and ${p.caller} is a Manager there: Managers cannot remove Owners.`,
  ),
  'deletion-rights': rule<{ workspace: string; caller: string }>(
    'refusal',
    (p) =>
      `only a Workspace Owner or a partner may delete workspace "${p.workspace}", and ${p.caller} is neither; apply the deletion with such a key.`,
  ),
  'workspace-not-writable': rule<{ workspace: string; state: 'disabled' | 'pending-approval' }>('refusal', (p) =>
    p.state === 'disabled'
      ? `workspace "${p.workspace}" is disabled by a partner: only a partner can change it; apply it with a partner's key, or wait until it is enabled.`
      : `workspace "${p.workspace}" waits for a partner's approval of its registration: nothing can change until then.`,
  ),
  'quota-below-usage': rule<{ workspace: string; quota: number; usage: number }>(
    'refusal',
    (p) =>
      `project quota ${p.quota} for "${p.workspace}" is below the ${p.usage} project(s) it will have; raise the quota or delete projects first.`,
  ),
  'quota-reached': rule<{ workspace: string; quota: number; projects: number; creates: number }>(
    'refusal',
    (p) =>
      `workspace "${p.workspace}" has a project quota of ${p.quota} and ${p.projects} project(s): the ${p.creates} new one(s) do not fit; a partner raises the quota first (projectQuota in code, or in meshPanel).`,
  ),
  'restricted-tag': rule<{ workspace: string; caller: string; keys: string[]; project?: string }>(
    'refusal',
    (p) =>
      `setting restricted tag(s) ${list(p.keys)} on ${p.project ? `project "${p.project}" in ` : ''}"${p.workspace}" needs partner rights; ${p.caller} is not a partner.`,
  ),
  'immutable-tag': rule<{ workspace: string; keys: string[]; project?: string }>(
    'refusal',
    (p) =>
      `tag(s) ${list(p.keys)} of ${p.project ? `project "${p.project}" in ` : ''}"${p.workspace}" are immutable: they can only be set when the object is created; keep their current values in code.`,
  ),
  'status-needs-partner': rule<{ workspace: string }>(
    'refusal',
    (p) => `changing the status of "${p.workspace}" needs partner rights.`,
  ),
  'quota-needs-partner': rule<{ workspace: string }>(
    'refusal',
    (p) => `changing the project quota of "${p.workspace}" needs partner rights.`,
  ),
  'tag-definition-needs-partner': rule<{ count: number; caller: string }>(
    'refusal',
    (p) =>
      `${p.count} tag definition change(s) need partner rights, and ${p.caller} is not a partner; drop them from this stack or apply it with a partner key.`,
  ),
  'identifier-change': rule<{ workspace: string; from: string; to: string }>(
    'refusal',
    (p) =>
      `project "${p.from}" looks renamed to "${p.to}" (same display name): identifiers are immutable; declare the new project with another display name, or mark "${p.from}" for deletion.`,
  ),
  'unknown-project-role': rule<Sub & { roles: string[]; meant?: string }>(
    'refusal',
    (p) =>
      `${describeSubject(p.subject)} as "${p.role}"${on(p.project)}: the platform has no such project role${p.meant ? `; did you mean "${p.meant}"?` : '.'} Its project roles are ${p.roles.map((r) => `"${r}"`).join(', ')}.`,
  ),
  'identifier-deleted': rule<{ workspace: string }>(
    'refusal',
    (p) =>
      `workspace identifier "${p.workspace}" belongs to a deleted workspace, and meshStack never reuses a workspace identifier; choose another one (or mark the workspace for deletion in code, if it should stay deleted).`,
  ),
  'identifier-being-deleted': rule<{ workspace: string; project: string }>(
    'refusal',
    (p) =>
      `project "${p.project}" is still being deleted on the platform, which keeps its identifier until the deletion has finished; choose another identifier, or wait and plan again (it is then created as the code declares it; if it should stay deleted, mark it for deletion in code).`,
  ),
  'workspace-has-projects': rule<{ workspace: string; projects: string[] }>(
    'refusal',
    (p) =>
      `workspace "${p.workspace}" is marked for deletion but still has project(s) ${list(p.projects)}; mark them for deletion too.`,
  ),
  'referenced-missing': rule<{ workspace: string }>(
    'refusal',
    (p) =>
      `workspace "${p.workspace}" is referenced (Workspace.fromWorkspaceName) but does not exist; create it or declare it with new Workspace().`,
  ),
  'unknown-workspace': rule<{ workspace: string }>(
    'refusal',
    (p) => `workspace "${p.workspace}" is not in the manifest.`,
  ),
  'workspace-unowned': rule<{ workspace: string; authoritative: boolean }>(
    'refusal',
    (p) =>
      `workspace "${p.workspace}" exists on the platform and no meshform stack owns it: this code would take it over${p.authoritative ? ', removing every binding it does not list' : ''}. Write its code from what is live with \`meshform import --workspace ${p.workspace}\`, or declare it with adopt: true to take it over as declared.`,
    '--adopt',
  ),
  'workspace-owned-elsewhere': rule<{ workspace: string; owner: string; stack: string }>(
    'refusal',
    (p) =>
      `workspace "${p.workspace}" is owned by meshform stack "${p.owner}" (its meshformStack tag), not by "${p.stack}": one stack owns a workspace, or they undo each other on every apply. Declare it in one stack only; to move it, remove it from "${p.owner}", have a partner delete its meshformStack tag (only a partner may change it), and adopt it here.`,
  ),
  'ownership-tag-needs-partner': rule<{ caller: string }>(
    'refusal',
    (p) =>
      `the platform has no tag definition meshWorkspace.meshformStack yet, which records which stack owns a workspace, and only a partner may create it (${p.caller} is not one): run this apply once with a partner key, or have a partner run \`meshform import\`.`,
  ),
  'projects-not-visible': rule<{ workspace: string; projects: string[]; caller?: string }>(
    'refusal',
    (p) =>
      `${p.caller ? `"${p.caller}"` : 'this key'} is only a Workspace Member of "${p.workspace}" and sees only the projects it is assigned to, so whether ${list(p.projects)} exist is unknown and the plan cannot compare them; plan with a key of a Workspace Owner, Manager or partner.`,
  ),
  'ownership-tag-undefined-tags': rule<{ keys: string[]; workspaces: number }>(
    'refusal',
    (p) =>
      `creating the tag definition meshWorkspace.meshformStack, which records which stack owns a workspace, makes the platform check every workspace tag against tag definitions, and ${p.workspaces} live workspace(s) carry tag keys no definition covers: ${list(p.keys)}. Their users could no longer save them, in the panel or by a claim. Declare a TagDefinition for each key first (\`meshform import\` writes them from what is live; a partner may create them in the panel instead), then plan again.`,
  ),
  'project-member-missing': rule<Sub & { workspace: string }>(
    'refusal',
    (p) =>
      `${describeSubject(p.subject)} has no role on workspace "${p.workspace}", so meshStack refuses "${p.role}"${on(p.project)}; add a workspace binding for them, or remove the project role.`,
  ),
  'manager-assignment-restricted': rule<Sub & { workspace: string; caller: string }>(
    'refusal',
    (p) =>
      `the platform restricts Workspace Manager to partners (restrictCustomerAdminRoleAssignment), so ${p.caller} cannot make ${describeSubject(p.subject)} a Workspace Manager of "${p.workspace}"; apply it with a partner's key.`,
  ),
  'binding-exists': rule<Sub & { workspace: string }>(
    'refusal',
    (p) =>
      `${describeSubject(p.subject)} already holds "${p.role}"${on(p.project)} in "${p.workspace}" with this expiry.`,
  ),
  'unknown-workspace-role': rule<Sub & { roles: string[] }>(
    'refusal',
    (p) => `"${p.role}" is not a workspace role; the workspace roles are ${list(p.roles)}.`,
  ),
  'project-not-found': rule<Sub & { workspace: string }>(
    'refusal',
    (p) =>
      `${describeSubject(p.subject)} as "${p.role}"${on(p.project)}: the project does not exist in "${p.workspace}" (or its deletion is pending).`,
  ),
  'approval-rights': rule<{ workspace: string; caller: string }>(
    'refusal',
    (p) =>
      `${p.caller} cannot approve this role request in "${p.workspace}": the requester cannot approve their own role request, and each approver approves once; another Workspace Owner/Manager or a partner approves it.`,
  ),
  'request-not-pending': rule<{ workspace: string }>(
    'refusal',
    (p) => `no pending role request of "${p.workspace}" by that name: it was approved, declined or cancelled.`,
  ),

  'invitation-unsupported': rule<Sub & { workspace: string }>(
    'refusal',
    (p) =>
      `${describeSubject(p.subject)} as "${p.role}"${on(p.project)}: the platform's API cannot invite people it does not know yet (meshStack has no invitation API), so this grant would fail at apply. Invite them in meshPanel (Workspace Access > Invite), or let them log in once; then declare them by username (User.fromUsername) instead of the invitation.`,
  ),

  // ---- the plan: warnings and notes ---------------------------------------------------------------
  'caller-unknown': rule<Record<string, never>>(
    'warning',
    () => 'the platform does not tell who is calling: lock-out, partner-right and 4-eyes predictions are conservative.',
  ),
  'requests-invisible': rule<Record<string, never>>(
    'warning',
    () =>
      '4-eyes is on and the platform does not show pending role requests: a grant waiting for approval is planned again until it is approved (approve in meshPanel under Workspace Access > Access Requests).',
  ),
  'unknown-subject': rule<{ subject: SubjectRef; workspace: string; meant?: string }>('warning', (p) =>
    p.subject.kind === 'Group'
      ? `group "${p.subject.name}" is not a user group of workspace "${p.workspace}" (groups come from the identity provider's sync), so its grants will fail at apply${p.meant ? `; did you mean "${p.meant}"?` : '.'}`
      : `user "${p.subject.name}" does not exist on the platform, so the grants to them in "${p.workspace}" will fail at apply${p.meant ? `; did you mean "${p.meant}"?` : '.'} Check the username, or declare an invitation (e-mail, first and last name).`,
  ),
  'decision-unknown': rule<{ workspace: string; unknown: string; step: string }>(
    'warning',
    (p) =>
      `in "${p.workspace}", step ${p.step} depends on the platform's ${p.unknown} setting, which it does not show: the platform decides at apply.`,
  ),
  'group-members-unread': rule<{ workspace: string; step: string; groups: string[] }>(
    'warning',
    (p) =>
      `in "${p.workspace}", step ${p.step} depends on who is in the user group${p.groups.length === 1 ? '' : 's'} ${list(p.groups.map((g) => `"${g}"`))}, whose members the plan could not read (this key is not shown them): who approves a grant under 4-eyes and who holds a role through ${p.groups.length === 1 ? 'it' : 'them'} are unknown, so the plan assumes the grant waits for approval (the old binding stays) and the platform decides at apply. Plan with a key of a Workspace Owner, Manager or partner to know.`,
  ),
  'left-the-code': rule<{ stack: string; names: string[] }>(
    'warning',
    (p) =>
      `${p.names.length} live workspace(s) that stack "${p.stack}" owns are no longer in its code, and meshform leaves them alone: ${list(p.names)}. Declare them again, delete them (deletion in code), or release them by deleting their meshformStack tag.`,
  ),
  'not-planned': rule<{ count: number; names: string[]; base: string }>(
    'warning',
    (p) =>
      `${p.count} workspace(s) unchanged since ${p.base} and with nothing expiring were not looked at (--changed-from): ${list(p.names.slice(0, 10))}${p.count > 10 ? ` and ${p.count - 10} more` : ''}; drift there is found by the scheduled full plan or reconcile.`,
  ),
  'removed-from-code': rule<{ names: string[]; base: string }>(
    'warning',
    (p) =>
      `${p.names.length} workspace(s) declared in ${p.base} are no longer in the code: ${list(p.names)}. meshform leaves them as they are on the platform (their owner tag still names this stack); to remove them, keep them in the code with a deletion, or release them by deleting their meshformStack tag.`,
  ),
  'expiring-soon': rule<Sub & { expiry: string; leftMs: number }>(
    'warning',
    (p) =>
      `${describeSubject(p.subject)} as "${p.role}"${on(p.project)} expires on ${p.expiry} (${inTime(p.leftMs)}): renew it in code with a new expiryDate, or let it lapse.`,
  ),
  'recertification-unknown': rule<{ role: string; subjects: string[]; expiry: string }>(
    'warning',
    (p) =>
      `the platform put an expiry on "${p.role}" bindings the code declares without one (${list(p.subjects)}; the first on ${p.expiry}): it recertifies the role. This platform shows no recertification settings; unless the key may read meshStack's event log (EVENTLOG_LIST), where an expiry shows as a removal by the platform, meshform cannot tell the expired binding from a missing one and would grant it again, unreviewed. Declare the role's maximum in the role policy (RolePolicy recertification), so that the code must carry each expiry date.`,
  ),
  'removed-on-platform': rule<Sub & { at: string; by: string }>(
    'warning',
    (p) =>
      `${describeSubject(p.subject)} as "${p.role}"${on(p.project)} was removed on ${p.at} by ${p.by} (the platform's event log; not by its expiry), and the code still declares it: this plan grants it again. If the removal was meant, remove the binding from the code.`,
  ),
  'foreign-bindings': rule<{ workspace: string; names: string[] }>(
    'warning',
    (p) =>
      `workspace "${p.workspace}" is authoritative and has ${p.names.length} binding(s) meshform did not create and the code does not declare (${list(p.names.slice(0, 10))}${p.names.length > 10 ? ` and ${p.names.length - 10} more` : ''}): this plan removes them. If terraform-provider-meshstack or another tool manages them, the two undo each other on every run: manage a workspace with one tool only (docs/terraform-provider-meshstack.md).`,
  ),
  'ownership-tag-removed': rule<{ workspace: string; stack?: string; by?: string; at?: string; authorType?: string }>(
    'warning',
    (p) => {
      const tool =
        'terraform-provider-meshstack (its meshstack_workspace writes exactly the tags it declares, deleting the others)';
      const who =
        p.by === undefined
          ? `Its bindings were made by meshform, so a stack owned it: something removed the tag, probably ${tool} or a tag edit in meshPanel.`
          : `${p.by} removed it on ${p.at}${p.authorType === 'User' ? ' (a tag edit in meshPanel, or a tool run with that user)' : `, probably ${tool} or another tool with that key`}.`;
      return `workspace "${p.workspace}" has lost its meshformStack tag${p.stack ? ` (stack "${p.stack}")` : ''}. ${who} Never manage one workspace with both tools (docs/terraform-provider-meshstack.md); once only this stack manages it, adopt it again.`;
    },
  ),
  'additive-kept': rule<Sub & { expiry?: string }>(
    'note',
    (p) =>
      `${describeSubject(p.subject)} as "${p.role}"${on(p.project)}${p.expiry ? ` until ${p.expiry}` : ''} is not in code (additive: kept).`,
  ),
  'recertification-due': rule<Sub & { expiry: string; max?: number }>(
    'note',
    (p) =>
      `${describeSubject(p.subject)} as "${p.role}": recertification due, the binding expired on ${p.expiry}. meshform grants it again only when the code carries a new expiryDate${p.max !== undefined ? ` (at most ${p.max} days ahead)` : ''}, so that a reviewer recertifies it.`,
  ),
  'recertification-assigned': rule<Sub & { expiry: string; max: number }>(
    'note',
    (p) =>
      `${describeSubject(p.subject)} as "${p.role}": the platform gives this binding an expiry, ${p.expiry} (recertification every ${p.max} days); the access lapses then unless the code renews it with an expiryDate.`,
  ),
  'expired-not-granted': rule<Sub & { expiry: string }>(
    'note',
    (p) =>
      `${describeSubject(p.subject)} as "${p.role}"${on(p.project)}: expired ${p.expiry}; not granted again until the code carries a new expiryDate.`,
  ),
  'quota-not-enforced': rule<{ workspace: string }>(
    'note',
    () => 'cannot enforce the project quota: the platform has no workspace quota endpoint.',
  ),
  'status-not-enforced': rule<{ workspace: string }>(
    'note',
    () => 'cannot enforce status: the platform has no workspace status endpoint.',
  ),
  'project-not-declared': rule<{ workspace: string; project: string }>(
    'note',
    (p) => `project "${p.project}" exists but is not declared; meshform deletes only projects marked for deletion.`,
  ),
  'deletion-waits': rule<{ workspace: string; projects: string[] }>(
    'note',
    (p) =>
      `the workspace is deleted by a later run, once the deletion of project(s) ${list(p.projects)} has finished (meshStack deletes projects asynchronously).`,
  ),
  'already-deleted': rule<{ workspace: string }>('note', () => 'declared for deletion and already gone.'),
  'project-expiry-enforced': rule<{ workspace: string }>(
    'note',
    () => 'the platform keeps no expiry on project bindings: meshform removes them after their expiry (run reconcile).',
  ),
  'kept-until-approved': rule<{ subject: SubjectRef; role: string; expiry?: string }>(
    'note',
    (p) =>
      `${describeSubject(p.subject)} keeps "${p.role}"${p.expiry ? ` until ${p.expiry}` : ''} until the new binding that replaces it is approved (4-eyes): a later run removes it then, so nobody loses access meanwhile.`,
  ),
  'reason-not-recorded': rule<{ what: 'grant' | 'deletion'; subject?: SubjectRef; role?: string; project?: string }>(
    'note',
    (p) =>
      p.what === 'grant'
        ? `the reason of ${describeSubject(p.subject!)} as "${p.role}"${on(p.project)} is not recorded: the platform's API takes no grant reason (keep it in the code and its review).`
        : "the deletion reason is not recorded: the platform's API takes none (keep it in the code and its review).",
  ),
  'owner-renewal-order': rule<{ workspace: string; owner: string }>(
    'note',
    (p) =>
      `"${p.workspace}" has two Owners: ${p.owner}'s old Owner binding is removed before the renewed one is granted (a platform that counts bindings would refuse a third), so for a moment only the other Owner holds the role.`,
  ),
  'project-role-lapsed': rule<Sub & { expiry: string }>(
    'note',
    (p) =>
      `${describeSubject(p.subject)} as "${p.role}"${on(p.project)}: not granted, ${p.subject.name} has no workspace role since it expired on ${p.expiry} (meshStack needs one first). Renew the workspace role in code with a new expiryDate, or remove the project role.`,
  ),
  'project-grant-waits': rule<Sub & { workspace: string }>(
    'note',
    (p) =>
      `${describeSubject(p.subject)} as "${p.role}"${on(p.project)}: waits until the workspace role of ${p.subject.name} is approved.`,
  ),
} as const;

export type RuleId = keyof typeof RULES;
export type RuleParams<R extends RuleId> = Parameters<(typeof RULES)[R]['message']>[0];

function isRuleId(x: string): x is RuleId {
  return Object.prototype.hasOwnProperty.call(RULES, x);
}

/** A construct's validation message: the rule's sentence and its id, as cdktf reports it. */
export function constructFinding<R extends RuleId>(rule: R, params: RuleParams<R>): string {
  return `${(RULES[rule].message as (p: unknown) => string)(params)} (rule: ${rule})`;
}

/** An organisation policy's finding (rule `policy:<name>`): the policy's own message, or why it could not judge. */
export const POLICY_RULE_PREFIX = 'policy:';
export interface PolicyFindingParams {
  readonly object: string;
  readonly message?: string;
  readonly error?: string;
}

function policyMessage(p: PolicyFindingParams): string {
  return p.error
    ? `${p.object}: the policy failed on it (${p.error}), so it is refused rather than let through.`
    : `${p.object}: ${p.message}`;
}

/** The sentence for a finding; unknown rules (a plan from a newer meshform) say so instead of failing. */
export function ruleMessage(rule: string, params: unknown): string {
  if (rule.startsWith(POLICY_RULE_PREFIX)) return policyMessage(params as PolicyFindingParams);
  if (!isRuleId(rule)) return `${rule} (a rule this meshform does not know)`;
  return (RULES[rule].message as (p: unknown) => string)(params);
}

export function levelOf(rule: RuleId): Level {
  return RULES[rule].level;
}
