/**
 * What `meshform import` writes, decided from the live state alone (pure): one workspace entry per
 * live workspace, in the shape of workspace data files (the TypeScript and YAML writers render the
 * same entries), the platform's tag definitions and recertification policy, and notes for what has
 * no construct. Written this way, synth then plan finds nothing to change.
 */
import { OWNERSHIP_TAG_DEFINITION, OWNERSHIP_TAG_KEY, WORKSPACE_ROLES, owningStackOf } from '../../core/rules';
import type { TagDefinition } from '../../schemas/desired-state.generated';
import type { Binding, ProjectEntry, WorkspaceEntry } from '../../schemas/workspace-data.generated';
import type { LiveBinding } from '../client/types';
import type { LiveState, LiveWorkspaceState } from '../observe/live-state';
import { definitionsForFoundTags } from './tag-definitions';

/** Something the code cannot say, written as a comment where it belongs and listed at the end. */
export interface ImportNote {
  readonly workspace?: string;
  readonly project?: string;
  readonly text: string;
}

export interface ImportedWorkspace {
  readonly entry: WorkspaceEntry;
  readonly notes: ImportNote[];
}

export interface ImportedEstate {
  readonly tagDefinitions: TagDefinition[];
  /** Role → max days, where the platform tells (the sandbox does; meshStack's API does not). */
  readonly recertification?: Record<string, number>;
  readonly workspaces: ImportedWorkspace[];
  /** Imported workspaces that no stack owns yet: import records this stack as their owner (or the code adopts them). */
  readonly unowned: string[];
  /** Notes that belong to no workspace. */
  readonly notes: ImportNote[];
}

export interface ImportOptions {
  readonly bindingManagement: 'additive' | 'authoritative';
  /** The stack the code is for: workspaces another stack owns are not imported. */
  readonly stack: string;
  /** Write adopt: true for unowned workspaces instead of claiming them (the first plan then shows the claim). */
  readonly adopt?: boolean;
}

const looksLikeEmail = (s: string) => /^[^@\s]+@[^@\s]+$/.test(s);

const roleRank = (role: string) => {
  const i = WORKSPACE_ROLES.indexOf(role);
  return i < 0 ? WORKSPACE_ROLES.length : i;
};
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const subjectFields = (b: LiveBinding): Pick<Binding, 'user' | 'group'> =>
  b.subjectKind === 'Group' ? { group: b.subject } : { user: b.subject };

/** Live bindings as entries, Owners first; a second binding of the same role and subject is noted, not written (a construct declares it once). */
function bindingsOf(
  live: LiveBinding[],
  where: { workspace: string; project?: string },
  notes: ImportNote[],
  invited: ReadonlySet<string>,
): Binding[] {
  const sorted = [...live].sort(
    (a, b) =>
      roleRank(a.role) - roleRank(b.role) ||
      compare(a.role, b.role) ||
      compare(a.subjectKind, b.subjectKind) ||
      compare(a.subject, b.subject) ||
      compare(b.expiryDate ?? '9', a.expiryDate ?? '9'),
  );
  const seen = new Set<string>();
  const out: Binding[] = [];
  for (const b of sorted) {
    const key = `${b.role}\u0000${b.subjectKind}\u0000${b.subject}`;
    if (seen.has(key)) {
      notes.push({
        ...where,
        text: `binding ${b.name} gives ${b.subject} "${b.role}" a second time${b.expiryDate ? ` (until ${b.expiryDate})` : ''}: not written, the code declares a role once`,
      });
      continue;
    }
    seen.add(key);
    const expiry = b.expiryDate ? { expiryDate: b.expiryDate } : {};
    if (b.subjectKind === 'User' && invited.has(b.subject)) {
      notes.push({
        ...where,
        text: `the invitation of ${b.subject} ("${b.role}") is pending: written as an invitation, which meshStack matches by e-mail at first login; the platform does not show the invited person's name, so firstName and lastName are made from the e-mail: correct them`,
      });
      out.push({ role: b.role, invite: invitationOf(b.subject), ...expiry });
    } else out.push({ role: b.role, ...subjectFields(b), ...expiry });
  }
  return out;
}

/** Names for an invitation the platform shows only by e-mail: `jane.doe@…` → Jane, Doe. */
function invitationOf(email: string): { firstName: string; lastName: string; email: string } {
  const parts = email
    .slice(0, email.indexOf('@'))
    .split(/[._-]+/)
    .filter(Boolean);
  const cap = (w: string) => w.charAt(0).toUpperCase() + w.slice(1);
  const first = parts[0] ?? email;
  return { firstName: cap(first), lastName: cap(parts.slice(1).join(' ') || first), email };
}

/** One value stays a string, as a person writes it; several stay a list. The ownership tag is meshform's, not the code's. */
function tagsOf(tags: Record<string, string[]>): Record<string, string | string[]> | undefined {
  const keys = Object.keys(tags)
    .filter((k) => tags[k].length > 0 && k !== OWNERSHIP_TAG_KEY)
    .sort();
  return keys.length
    ? Object.fromEntries(keys.map((k) => [k, tags[k].length === 1 ? tags[k][0] : [...tags[k]]]))
    : undefined;
}

function workspaceOf(ws: LiveWorkspaceState, options: ImportOptions, invited: ReadonlySet<string>): ImportedWorkspace {
  const notes: ImportNote[] = [];
  const at = { workspace: ws.name };
  if (ws.status?.approval === 'pending')
    notes.push({ ...at, text: 'the workspace waits for approval on the platform' });
  if (!ws.status)
    notes.push({
      ...at,
      text: 'the platform does not show status or project quota: neither is written, so meshform leaves both alone',
    });
  for (const r of ws.pendingRequests)
    notes.push({
      ...at,
      ...(r.project ? { project: r.project } : {}),
      text: `request ${r.id}: "${r.role}" for ${r.subject} waits for approval since ${r.requestedAt.slice(0, 10)}; not written (declare it once it is approved, or the plan waits for it)`,
    });
  for (const p of ws.deletingProjects)
    notes.push({ ...at, text: `project ${p} is being deleted on the platform: not written` });
  const projects: ProjectEntry[] = Object.keys(ws.projects)
    .sort()
    .map((name) => {
      const p = ws.projects[name];
      const tags = tagsOf(p.tags);
      const bindings = bindingsOf(p.bindings, { ...at, project: name }, notes, invited);
      return {
        identifier: name,
        displayName: p.displayName,
        ...(tags ? { tags } : {}),
        ...(bindings.length ? { bindings } : {}),
      };
    });
  const tags = tagsOf(ws.tags);
  const bindings = bindingsOf(ws.bindings, at, notes, invited);
  const entry: WorkspaceEntry = {
    identifier: ws.name,
    displayName: ws.displayName,
    ...(tags ? { tags } : {}),
    ...(ws.status?.status === 'disabled' ? { status: 'disabled' as const } : {}),
    ...(typeof ws.status?.projectQuota === 'number' ? { projectQuota: ws.status.projectQuota } : {}),
    bindingManagement: options.bindingManagement,
    ...(options.adopt && owningStackOf(ws.tags) === undefined ? { adopt: true } : {}),
    ...(bindings.length ? { bindings } : {}),
    ...(projects.length ? { projects } : {}),
  };
  return { entry, notes };
}

export function importEstate(live: LiveState, options: ImportOptions): ImportedEstate {
  const notes: ImportNote[] = [];
  if (!live.platform.recertification)
    notes.push({
      text: "the platform does not show its recertification settings (Settings > Compliance): no RolePolicy is written; add one with the platform's maximum durations",
    });
  const names = Object.keys(live.workspaces).sort();
  const elsewhere = names.filter((n) => ![undefined, options.stack].includes(owningStackOf(live.workspaces[n].tags)));
  for (const n of elsewhere)
    notes.push({
      text: `workspace ${n} is owned by meshform stack "${owningStackOf(live.workspaces[n].tags)}": not imported (one stack owns a workspace)`,
    });
  const imported = names.filter((n) => !elsewhere.includes(n));
  // Bound by an e-mail that is no user (where the platform could tell): a pending invitation.
  const invited = new Set((live.unknownUsers ?? []).filter(looksLikeEmail));
  return {
    // The ownership tag's definition is meshform's: the plan adds it where it is missing, after a
    // definition for every workspace tag key found without one (./tag-definitions.ts).
    tagDefinitions: [
      ...live.tagDefinitions.filter((d) => d.metadata.name !== OWNERSHIP_TAG_DEFINITION.metadata.name),
      ...definitionsForFoundTags(Object.values(live.workspaces), live.tagDefinitions),
    ].sort((a, b) => compare(a.metadata.name, b.metadata.name)),
    ...(live.platform.recertification ? { recertification: live.platform.recertification } : {}),
    workspaces: imported.map((name) => workspaceOf(live.workspaces[name], options, invited)),
    unowned: options.adopt ? [] : imported.filter((n) => owningStackOf(live.workspaces[n].tags) === undefined),
    notes,
  };
}

/**
 * What import looks up before it decides (`observe/subjects.ts`): whether users bound by an e-mail
 * exist. One that does not is a pending invitation (meshStack matches it by e-mail at first login).
 */
export function importLookups(live: LiveState): { users: string[]; groupsOf: string[] } {
  const users = Object.values(live.workspaces).flatMap((ws) =>
    [...ws.bindings, ...Object.values(ws.projects).flatMap((p) => p.bindings)]
      .filter((b) => b.subjectKind === 'User' && looksLikeEmail(b.subject))
      .map((b) => b.subject),
  );
  return { users: [...new Set(users)].sort(), groupsOf: [] };
}

/** Every note, workspace by workspace, for the summary at the end. */
export function allNotes(estate: ImportedEstate): ImportNote[] {
  return [...estate.notes, ...estate.workspaces.flatMap((w) => w.notes)];
}
