/**
 * The platform rules that can be checked on the desired state alone, without the live platform.
 * Used twice: at synth time (findings are mapped to construct paths) and by the controller when it
 * loads a manifest (findings name the JSON path). Rule ids and messages come from the catalogue.
 * `checkStructure` needs no clock; `checkTimed` compares expiries with the command's one "now".
 */
import type {
  DesiredState,
  ProjectBinding,
  Subject,
  TagDefinition,
  Tags,
  Workspace,
  WorkspaceBinding,
} from '../schemas/desired-state.generated';
import type { Finding } from './errors';
import { isExpired, parseExpiry } from './expiry';
import {
  IDENTIFIER_MAX_LENGTH,
  RULES,
  type RuleId,
  type RuleParams,
  WORKSPACE_OWNER,
  exceedsMaximum,
  isValidIdentifier,
  isValidQuota,
  MAX_WORKSPACE_OWNERS,
  ownerSubjectAllowed,
  regexProblem,
  tagSetProblems,
  validationRegexOf,
} from './rules';
import { subjectKey as subjectKeyOf } from './model/subjects';

const subjectKey = (s: Subject): string => subjectKeyOf(s.kind, s.name);

type Report = <R extends RuleId>(rule: R, path: string, params: RuleParams<R>) => void;

function collector(findings: Finding[]): Report {
  return (rule, path, params) => {
    const level = RULES[rule].level;
    findings.push({
      severity: level === 'warning' || level === 'note' ? 'warning' : 'error',
      rule,
      path,
      message: (RULES[rule].message as (p: unknown) => string)(params),
    });
  };
}

/** Every rule, as synth and manifest loading run them. */
export function validateDesiredState(state: DesiredState, now: Date): Finding[] {
  return [...checkStructure(state), ...checkTimed(state, now)];
}

/** Rules that need no clock: run before meshform talks to any platform. */
export function checkStructure(state: DesiredState): Finding[] {
  const findings: Finding[] = [];
  const report = collector(findings);
  const recert = new Map(state.rolePolicy.recertification.map((r) => [r.role, r.maxDurationDays]));
  const tagDefs = checkTagDefinitions(state.tagDefinitions, report);
  const seenWorkspaces = new Map<string, string>();
  state.workspaces.forEach((ws, wi) => {
    const wsPath = `$.workspaces[${wi}]`;
    checkIdentifier(ws.metadata.name, 'workspace', `${wsPath}.metadata.name`, report);
    const first = seenWorkspaces.get(ws.metadata.name);
    if (first !== undefined) report('duplicate-identifier', wsPath, { what: 'workspace', id: ws.metadata.name, first });
    else seenWorkspaces.set(ws.metadata.name, wsPath);
    if (ws.spec.ownership === 'owned')
      checkTags(ws.metadata.tags, 'meshWorkspace', tagDefs, `${wsPath}.metadata.tags`, report);
    checkBindingList(ws.bindings, `${wsPath}.bindings`, undefined, recert, report);
    checkOwners(ws, wsPath, report);
    checkProjects(ws, wsPath, recert, tagDefs, report);
  });
  return findings;
}

/** Rules that compare expiries with "now" (the platform's clock where it has one). */
export function checkTimed(state: DesiredState, now: Date): Finding[] {
  const findings: Finding[] = [];
  const report = collector(findings);
  const recert = new Map(state.rolePolicy.recertification.map((r) => [r.role, r.maxDurationDays]));
  const each = (bindings: Array<WorkspaceBinding | ProjectBinding>, listPath: string, project?: string) =>
    bindings.forEach((b, bi) => {
      if (b.expiryDate === undefined || !parseExpiry(b.expiryDate)) return;
      const path = `${listPath}[${bi}].expiryDate`;
      const params = { subject: b.subject, role: b.roleRef.name, ...(project ? { project } : {}) };
      const max = recert.get(b.roleRef.name);
      if (isExpired(b.expiryDate, now)) report('expiry-past', path, { ...params, expiry: b.expiryDate });
      else if (max !== undefined && exceedsMaximum(b.expiryDate, now, max))
        report('expiry-beyond-recertification', path, { ...params, expiry: b.expiryDate, max });
    });
  state.workspaces.forEach((ws, wi) => {
    each(ws.bindings, `$.workspaces[${wi}].bindings`);
    ws.projects.forEach((p, pi) => each(p.bindings, `$.workspaces[${wi}].projects[${pi}].bindings`, p.metadata.name));
    // An Owner whose expiry passed no longer counts towards the limit.
    const live = ws.bindings.filter(
      (b) =>
        b.roleRef.name === WORKSPACE_OWNER &&
        b.subject.kind === 'User' &&
        !(b.expiryDate && isExpired(b.expiryDate, now)),
    );
    if (live.length > MAX_WORKSPACE_OWNERS)
      report('owner-limit', `$.workspaces[${wi}].bindings`, {
        workspace: ws.metadata.name,
        owners: live.map((b) => b.subject.name),
      });
  });
  return findings;
}

function checkIdentifier(id: string, what: string, path: string, report: Report): void {
  if (!isValidIdentifier(id)) report('identifier-format', path, { what, id, max: IDENTIFIER_MAX_LENGTH });
}

function checkBindingList(
  bindings: Array<WorkspaceBinding | ProjectBinding>,
  listPath: string,
  project: string | undefined,
  recert: Map<string, number>,
  report: Report,
): void {
  const seen = new Map<string, number>();
  bindings.forEach((b, bi) => {
    const path = `${listPath}[${bi}]`;
    const sub = { subject: b.subject, role: b.roleRef.name, ...(project ? { project } : {}) };
    const key = `${b.roleRef.name}|${subjectKey(b.subject)}`;
    if (seen.has(key)) report('duplicate-binding', path, { ...sub, first: `${listPath}[${seen.get(key)}]` });
    else seen.set(key, bi);
    if (b.subject.invitation && b.subject.invitation.email !== b.subject.name)
      report('invitation-name', path, { email: b.subject.invitation.email, name: b.subject.name });
    const max = recert.get(b.roleRef.name);
    if (b.expiryDate === undefined) {
      if (max !== undefined) report('expiry-required', path, { ...sub, max });
    } else if (!parseExpiry(b.expiryDate)) {
      report('expiry-invalid', `${path}.expiryDate`, { ...sub, value: b.expiryDate });
    }
  });
}

function checkOwners(ws: Workspace, wsPath: string, report: Report): void {
  ws.bindings.forEach((b, bi) => {
    if (b.roleRef.name === WORKSPACE_OWNER && !ownerSubjectAllowed(b.subject.kind))
      report('owner-group', `${wsPath}.bindings[${bi}]`, { group: b.subject.name });
  });
}

function checkProjects(
  ws: Workspace,
  wsPath: string,
  recert: Map<string, number>,
  tagDefs: TagDefinition[],
  report: Report,
): void {
  const members = new Set(ws.bindings.map((b) => subjectKey(b.subject)));
  // A user may be a member through one of the workspace's groups, which only the platform knows: then the plan checks it.
  const bindsGroups = ws.bindings.some((b) => b.subject.kind === 'Group');
  const seen = new Map<string, string>();
  ws.projects.forEach((p, pi) => {
    const pPath = `${wsPath}.projects[${pi}]`;
    checkIdentifier(p.metadata.name, 'project', `${pPath}.metadata.name`, report);
    if (p.metadata.ownedByWorkspace !== ws.metadata.name)
      report('project-workspace', `${pPath}.metadata.ownedByWorkspace`, {
        project: p.metadata.name,
        workspace: ws.metadata.name,
        owner: p.metadata.ownedByWorkspace,
      });
    const first = seen.get(p.metadata.name);
    if (first !== undefined)
      report('duplicate-identifier', pPath, {
        what: 'project',
        id: p.metadata.name,
        first,
        workspace: ws.metadata.name,
      });
    else seen.set(p.metadata.name, pPath);
    checkTags(p.metadata.tags, 'meshProject', tagDefs, `${pPath}.metadata.tags`, report);
    checkBindingList(p.bindings, `${pPath}.bindings`, p.metadata.name, recert, report);
    p.bindings.forEach((b, bi) => {
      if (members.has(subjectKey(b.subject))) return;
      // A referenced workspace in additive mode may have members that the manifest does not list.
      if (ws.spec.bindingManagement === 'additive' || (bindsGroups && b.subject.kind === 'User')) return;
      report('project-subject-not-in-workspace', `${pPath}.bindings[${bi}]`, {
        subject: b.subject,
        role: b.roleRef.name,
        project: p.metadata.name,
        workspace: ws.metadata.name,
      });
    });
  });
  const quota = ws.spec.projectQuota;
  const live = ws.projects.filter((p) => !p.spec.deletion).length;
  if (quota !== undefined && !isValidQuota(quota))
    report('quota-value', `${wsPath}.spec.projectQuota`, { value: quota });
  else if (quota !== undefined && live > quota)
    report('quota-below-projects', `${wsPath}.spec.projectQuota`, {
      workspace: ws.metadata.name,
      quota,
      projects: live,
    });
}

function checkTagDefinitions(defs: TagDefinition[], report: Report): TagDefinition[] {
  const seen = new Set<string>();
  defs.forEach((d, di) => {
    const path = `$.tagDefinitions[${di}]`;
    const expected = `${d.spec.targetKind}.${d.spec.key}`;
    if (d.metadata.name !== expected)
      report('tag-definition-name', `${path}.metadata.name`, { expected, got: d.metadata.name });
    if (seen.has(expected))
      report('duplicate-identifier', path, { what: 'tag definition', id: expected, first: '$.tagDefinitions' });
    seen.add(expected);
    const regex = validationRegexOf(d);
    const problem = regex === undefined ? undefined : regexProblem(regex);
    if (problem)
      report('tag-regex-invalid', `${path}.spec.valueType`, { definition: expected, regex: regex!, problem });
  });
  return defs;
}

/**
 * Tags are checked only when the manifest declares tag definitions: a stack without any leaves tag
 * policy to the platform, which the plan checks against the live definitions.
 */
function checkTags(
  tags: Tags,
  kind: 'meshWorkspace' | 'meshProject',
  defs: TagDefinition[],
  path: string,
  report: Report,
): void {
  for (const problem of tagSetProblems(tags, defs, kind)) {
    // A definition whose regex cannot compile is reported at the definition (checkTagDefinitions).
    if (problem.rule === 'tag-regex-invalid') continue;
    if (problem.rule === 'tag-value')
      report('tag-value', `${path}.${problem.key}`, { key: problem.key, problem: problem.detail });
    else if (problem.rule === 'tag-undefined')
      report('tag-undefined', `${path}.${problem.key}`, { key: problem.key, kind });
    else report('tag-mandatory', path, { key: problem.key, kind });
  }
}
