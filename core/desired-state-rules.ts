/**
 * The platform rules that can be checked on the desired state alone, without the live platform.
 * One pure function used twice: at synth time (findings are mapped to construct paths) and by the
 * controller when it loads a manifest (findings name the JSON path).
 */
import type {
  DesiredState,
  Project,
  ProjectBinding,
  Subject,
  TagDefinition,
  Tags,
  Workspace,
  WorkspaceBinding,
} from '../schemas/desired-state.generated';
import type { Finding } from './errors';
import { exceedsRecertification, isExpired, parseExpiry } from './expiry';

export const IDENTIFIER_PATTERN = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
export const IDENTIFIER_MAX_LENGTH = 32;
export const MAX_WORKSPACE_OWNERS = 2;
export const OWNER_ROLE = 'Workspace Owner';

export function subjectKey(s: Subject): string {
  return `${s.kind}:${s.name}`;
}

export function describeSubject(s: Subject): string {
  return `${s.kind === 'User' ? 'user' : 'group'} "${s.name}"`;
}

export function validateDesiredState(state: DesiredState, now: Date): Finding[] {
  const findings: Finding[] = [];
  const err = (rule: string, path: string, message: string) => findings.push({ severity: 'error', rule, path, message });
  const warn = (rule: string, path: string, message: string) => findings.push({ severity: 'warning', rule, path, message });

  const recert = new Map(state.rolePolicy.recertification.map((r) => [r.role, r.maxDurationDays]));
  const tagDefs = checkTagDefinitions(state.tagDefinitions, err);

  const seenWorkspaces = new Map<string, string>();
  state.workspaces.forEach((ws, wi) => {
    const wsPath = `$.workspaces[${wi}]`;
    checkIdentifier(ws.metadata.name, 'workspace', `${wsPath}.metadata.name`, err);
    const first = seenWorkspaces.get(ws.metadata.name);
    if (first !== undefined) {
      err('duplicate-identifier', wsPath, `workspace identifier "${ws.metadata.name}" is declared twice (also at ${first}); identifiers are unique.`);
    } else {
      seenWorkspaces.set(ws.metadata.name, wsPath);
    }
    if (ws.spec.ownership === 'owned') {
      checkTags(ws.metadata.tags, 'meshWorkspace', tagDefs, `${wsPath}.metadata.tags`, err);
    }
    checkWorkspaceBindings(ws, wsPath, now, recert, err, warn);
    checkProjects(ws, wsPath, now, recert, tagDefs, err, warn);
  });
  return findings;
}

type Report = (rule: string, path: string, message: string) => void;

function checkIdentifier(id: string, what: string, path: string, err: Report): void {
  if (!IDENTIFIER_PATTERN.test(id) || id.length > IDENTIFIER_MAX_LENGTH) {
    err(
      'identifier-format',
      path,
      `${what} identifier "${id}" is invalid: use lowercase letters, digits and dashes, start and end with a letter or digit, at most ${IDENTIFIER_MAX_LENGTH} characters. Identifiers can never be changed later.`,
    );
  }
}

function checkBindingList<B extends WorkspaceBinding | ProjectBinding>(
  bindings: B[],
  listPath: string,
  now: Date,
  recert: Map<string, number>,
  err: Report,
  warn: Report,
): void {
  const seen = new Map<string, number>();
  bindings.forEach((b, bi) => {
    const path = `${listPath}[${bi}]`;
    const key = `${b.roleRef.name}|${subjectKey(b.subject)}`;
    if (seen.has(key)) {
      err('duplicate-binding', path, `${describeSubject(b.subject)} is bound to "${b.roleRef.name}" twice (also at ${listPath}[${seen.get(key)}]).`);
    } else {
      seen.set(key, bi);
    }
    if (b.subject.invitation && b.subject.invitation.email !== b.subject.name) {
      err('invitation-name', path, `an invited user's name must be their e-mail "${b.subject.invitation.email}", got "${b.subject.name}".`);
    }
    const max = recert.get(b.roleRef.name);
    if (b.expiryDate === undefined) {
      if (max !== undefined) {
        err(
          'expiry-required',
          path,
          `role "${b.roleRef.name}" requires an expiry date: the role policy limits it to ${max} days. Set expiryDate to at most ${max} days from now.`,
        );
      }
      return;
    }
    if (!parseExpiry(b.expiryDate)) {
      err('expiry-invalid', `${path}.expiryDate`, `expiryDate "${b.expiryDate}" is not a real date (YYYY-MM-DD) or RFC 3339 date-time.`);
      return;
    }
    if (isExpired(b.expiryDate, now)) {
      warn('expiry-past', `${path}.expiryDate`, `expiryDate ${b.expiryDate} has passed: the binding for ${describeSubject(b.subject)} will be removed, not created.`);
    } else if (max !== undefined && exceedsRecertification(b.expiryDate, now, max)) {
      err(
        'expiry-beyond-recertification',
        `${path}.expiryDate`,
        `expiryDate ${b.expiryDate} for role "${b.roleRef.name}" is more than the ${max} days the role policy allows; choose an earlier date.`,
      );
    }
  });
}

function checkWorkspaceBindings(ws: Workspace, wsPath: string, now: Date, recert: Map<string, number>, err: Report, warn: Report): void {
  const listPath = `${wsPath}.bindings`;
  checkBindingList(ws.bindings, listPath, now, recert, err, warn);
  const owners: string[] = [];
  ws.bindings.forEach((b, bi) => {
    if (b.roleRef.name !== OWNER_ROLE) return;
    if (b.subject.kind === 'Group') {
      err('owner-group', `${listPath}[${bi}]`, `the Workspace Owner role can only be given to users, not to group "${b.subject.name}"; give the group Workspace Manager instead.`);
    } else if (!(b.expiryDate && isExpired(b.expiryDate, now))) {
      owners.push(b.subject.name);
    }
  });
  if (owners.length > MAX_WORKSPACE_OWNERS) {
    err(
      'owner-limit',
      listPath,
      `workspace "${ws.metadata.name}" declares ${owners.length} Workspace Owners (${owners.join(', ')}); meshStack allows at most ${MAX_WORKSPACE_OWNERS}. Make the others Workspace Managers.`,
    );
  }
}

function checkProjects(
  ws: Workspace,
  wsPath: string,
  now: Date,
  recert: Map<string, number>,
  tagDefs: Map<string, TagDefinition>,
  err: Report,
  warn: Report,
): void {
  const members = new Set(ws.bindings.map((b) => subjectKey(b.subject)));
  const seen = new Map<string, string>();
  const live = ws.projects.filter((p) => !p.spec.deletion);
  ws.projects.forEach((p: Project, pi) => {
    const pPath = `${wsPath}.projects[${pi}]`;
    checkIdentifier(p.metadata.name, 'project', `${pPath}.metadata.name`, err);
    if (p.metadata.ownedByWorkspace !== ws.metadata.name) {
      err('project-workspace', `${pPath}.metadata.ownedByWorkspace`, `project "${p.metadata.name}" is listed under workspace "${ws.metadata.name}" but says it is owned by "${p.metadata.ownedByWorkspace}".`);
    }
    const first = seen.get(p.metadata.name);
    if (first !== undefined) {
      err('duplicate-identifier', pPath, `project identifier "${p.metadata.name}" is declared twice in workspace "${ws.metadata.name}" (also at ${first}).`);
    } else {
      seen.set(p.metadata.name, pPath);
    }
    checkTags(p.metadata.tags, 'meshProject', tagDefs, `${pPath}.metadata.tags`, err);
    checkBindingList(p.bindings, `${pPath}.bindings`, now, recert, err, warn);
    p.bindings.forEach((b, bi) => {
      if (members.has(subjectKey(b.subject))) return;
      const path = `${pPath}.bindings[${bi}]`;
      const message = `${describeSubject(b.subject)} has a role on project "${p.metadata.name}" but no role on workspace "${ws.metadata.name}"; meshStack requires workspace membership first: add a workspace binding (e.g. Workspace Member).`;
      // A referenced workspace in additive mode may have members that the manifest does not list.
      if (ws.spec.bindingManagement === 'additive') warn('project-subject-not-in-workspace', path, message);
      else err('project-subject-not-in-workspace', path, message);
    });
  });
  const quota = ws.spec.projectQuota;
  if (quota !== undefined && (!Number.isInteger(quota) || quota < 0)) {
    err('quota-value', `${wsPath}.spec.projectQuota`, `project quota must be a whole number >= 0, got ${quota}.`);
  } else if (quota !== undefined && live.length > quota) {
    err(
      'quota-below-projects',
      `${wsPath}.spec.projectQuota`,
      `workspace "${ws.metadata.name}" has a project quota of ${quota} but declares ${live.length} projects; raise the quota or remove projects.`,
    );
  }
}

function checkTagDefinitions(defs: TagDefinition[], err: Report): Map<string, TagDefinition> {
  const byName = new Map<string, TagDefinition>();
  defs.forEach((d, di) => {
    const path = `$.tagDefinitions[${di}]`;
    const expected = `${d.spec.targetKind}.${d.spec.key}`;
    if (d.metadata.name !== expected) {
      err('tag-definition-name', `${path}.metadata.name`, `tag definition name must be "${expected}" (<targetKind>.<key>), got "${d.metadata.name}".`);
    }
    if (byName.has(expected)) {
      err('duplicate-identifier', path, `tag definition "${expected}" is declared twice.`);
    }
    byName.set(expected, d);
  });
  return byName;
}

/**
 * Tags are checked only when the manifest declares tag definitions: a stack without any leaves tag
 * policy to the platform (meshform cannot see platform-side definitions at synth time).
 */
function checkTags(tags: Tags, kind: 'meshWorkspace' | 'meshProject', defs: Map<string, TagDefinition>, path: string, err: Report): void {
  if (defs.size === 0) return;
  for (const [key, values] of Object.entries(tags)) {
    // `[]` declares the tag absent: nothing to check.
    if (values.length === 0) continue;
    const def = defs.get(`${kind}.${key}`);
    if (!def) {
      err('tag-undefined', `${path}.${key}`, `tag key "${key}" is not allowed on ${kind}: no tag definition "${kind}.${key}" is declared.`);
      continue;
    }
    const problem = tagValueProblem(def, values);
    if (problem) err('tag-value', `${path}.${key}`, `tag "${key}": ${problem}`);
  }
  for (const def of defs.values()) {
    if (def.spec.targetKind === kind && def.spec.mandatory && !tags[def.spec.key]?.length) {
      err('tag-mandatory', path, `tag "${def.spec.key}" is mandatory on every ${kind} (tag definition "${def.metadata.name}").`);
    }
  }
}

/** Why `values` do not fit the tag definition's value type, or undefined when they do. */
export function tagValueProblem(def: TagDefinition, values: string[]): string | undefined {
  const vt = def.spec.valueType;
  if (vt.multiSelect) {
    const bad = values.filter((v) => !vt.multiSelect!.options.includes(v));
    return bad.length ? `${bad.map((v) => `"${v}"`).join(', ')} not among the options ${vt.multiSelect.options.join(', ')}.` : undefined;
  }
  if (values.length !== 1) return `expects exactly one value, got ${values.length}.`;
  const v = values[0];
  if (vt.singleSelect) return vt.singleSelect.options.includes(v) ? undefined : `"${v}" is not among the options ${vt.singleSelect.options.join(', ')}.`;
  if (vt.integer) return /^-?\d+$/.test(v) ? undefined : `"${v}" is not an integer.`;
  if (vt.number) return v.trim() !== '' && Number.isFinite(Number(v)) ? undefined : `"${v}" is not a number.`;
  if (vt.email && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(v)) return `"${v}" is not an e-mail address.`;
  const regex = vt.string?.validationRegex ?? vt.email?.validationRegex;
  if (regex !== undefined && !new RegExp(regex).test(v)) return `"${v}" does not match ${regex}.`;
  return undefined;
}
