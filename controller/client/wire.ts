/**
 * Translation between meshStack's JSON and meshform's live types: request bodies out, normalized
 * objects in. Normalizers keep only what meshform compares and throw on a shape they do not know,
 * so a hostile or broken response never becomes a wrong plan.
 */
import { parseExpiry } from '../../core/expiry';
import { validateAgainst } from '../../core/json-schema';
import type { TagDefinition } from '../../schemas/desired-state.generated';
import type {
  AttributeChange,
  BindingRequest,
  Identity,
  LiveBinding,
  LiveGroup,
  LiveProject,
  LiveUser,
  LiveWorkspace,
  PlatformSettings,
  ProjectState,
  RoleRequest,
  SubjectKind,
  WorkspaceEvent,
  WorkspaceStatus,
} from './types';

export class ShapeError extends Error {}

type Json = Record<string, unknown>;

function obj(v: unknown, what: string): Json {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new ShapeError(`${what} is not an object`);
  return v as Json;
}

function str(v: unknown, what: string): string {
  if (typeof v !== 'string' || v === '') throw new ShapeError(`${what} is missing or not a string`);
  return v;
}

/**
 * meshStack tags: key → list of strings; a missing or null tags object means no tags, and a key with
 * an empty list is no tag (meshStack drops those itself).
 */
export function normalizeTags(v: unknown, what: string): Record<string, string[]> {
  if (v === undefined || v === null) return {};
  const o = obj(v, what);
  const out: Array<[string, string[]]> = [];
  for (const key of Object.keys(o).sort()) {
    const values = o[key];
    if (!Array.isArray(values) || values.some((x) => typeof x !== 'string'))
      throw new ShapeError(`${what}.${key} is not a list of strings`);
    if (values.length) out.push([key, [...(values as string[])]]);
  }
  // fromEntries defines own keys: assigning a key `__proto__` would set the prototype instead.
  return Object.fromEntries(out);
}

export function normalizeWorkspace(v: unknown): LiveWorkspace {
  const o = obj(v, 'meshWorkspace');
  const metadata = obj(o.metadata, 'meshWorkspace.metadata');
  const spec = obj(o.spec, 'meshWorkspace.spec');
  return {
    name: str(metadata.name, 'meshWorkspace.metadata.name'),
    displayName: str(spec.displayName, 'meshWorkspace.spec.displayName'),
    tags: normalizeTags(metadata.tags, 'meshWorkspace.metadata.tags'),
    deleted: metadata.deletedOn !== undefined && metadata.deletedOn !== null,
  };
}

/** A project; `deletedOn` is set once its deletion was submitted (meshStack's deletion is asynchronous). */
export function normalizeProject(v: unknown): LiveProject {
  const o = obj(v, 'meshProject');
  const metadata = obj(o.metadata, 'meshProject.metadata');
  const spec = obj(o.spec, 'meshProject.spec');
  const state: ProjectState =
    metadata.deletedOn === undefined || metadata.deletedOn === null ? 'ACTIVE' : 'PENDING_DELETION';
  return {
    workspace: str(metadata.ownedByWorkspace, 'meshProject.metadata.ownedByWorkspace'),
    name: str(metadata.name, 'meshProject.metadata.name'),
    displayName: str(spec.displayName, 'meshProject.spec.displayName'),
    tags: normalizeTags(spec.tags, 'meshProject.spec.tags'),
    ...(state === 'ACTIVE' ? {} : { state }),
  };
}

/** A workspace or project user/group binding; the kind says which (user or group, v2 or v3). */
export function normalizeBinding(v: unknown): LiveBinding {
  const o = obj(v, 'binding');
  const kind = str(o.kind, 'binding.kind');
  const m = /^mesh(Workspace|Project)(User|Group)Binding$/.exec(kind);
  if (!m) throw new ShapeError(`binding.kind "${kind}" is not a workspace or project binding`);
  const target = obj(o.targetRef, `${kind}.targetRef`);
  const project = m[1] === 'Project';
  const expiry = o.expiryDate;
  if (expiry !== undefined && expiry !== null && typeof expiry !== 'string')
    throw new ShapeError(`${kind}.expiryDate is not a string`);
  return {
    name: str(obj(o.metadata, `${kind}.metadata`).name, `${kind}.metadata.name`),
    workspace: str(project ? target.ownedByWorkspace : target.name, `${kind}.targetRef`),
    ...(project ? { project: str(target.name, `${kind}.targetRef.name`) } : {}),
    subjectKind: m[2] as SubjectKind,
    subject: str(obj(o.subject, `${kind}.subject`).name, `${kind}.subject.name`),
    role: str(obj(o.roleRef, `${kind}.roleRef`).name, `${kind}.roleRef.name`),
    ...(typeof expiry === 'string' ? { expiryDate: expiry } : {}),
  };
}

export function normalizeUser(v: unknown): LiveUser {
  const o = obj(v, 'meshUser');
  const email = obj(o.spec, 'meshUser.spec').email;
  return {
    username: str(obj(o.metadata, 'meshUser.metadata').name, 'meshUser.metadata.name'),
    email: typeof email === 'string' ? email : '',
  };
}

export function normalizeGroup(v: unknown): LiveGroup {
  const o = obj(v, 'meshWorkspaceUserGroup');
  const metadata = obj(o.metadata, 'meshWorkspaceUserGroup.metadata');
  const members = obj(o.spec ?? {}, 'meshWorkspaceUserGroup.spec').members ?? [];
  if (!Array.isArray(members) || members.some((m) => typeof m !== 'string'))
    throw new ShapeError('meshWorkspaceUserGroup.spec.members is not a list of strings');
  return {
    workspace: str(metadata.ownedByWorkspace, 'meshWorkspaceUserGroup.metadata.ownedByWorkspace'),
    name: str(metadata.name, 'meshWorkspaceUserGroup.metadata.name'),
    members: [...(members as string[])],
  };
}

/**
 * A value type in the shape meshform knows (the manifest schema's TagValueType): `meshform import`
 * writes it into code, so an unknown kind or setting is refused here, named, never passed on.
 */
function normalizeValueType(v: unknown): TagDefinition['spec']['valueType'] {
  const problems = validateAgainst('desired-state.schema.json#/$defs/TagValueType', v);
  if (problems.length)
    throw new ShapeError(
      `meshTagDefinition.spec.valueType is not a value type meshform knows: ${problems
        .slice(0, 3)
        .map((p) => `${p.path.replace(/^\$/, 'valueType')} ${p.message}`)
        .join('; ')}`,
    );
  return v as TagDefinition['spec']['valueType'];
}

export function normalizeTagDefinition(v: unknown): TagDefinition {
  const o = obj(v, 'meshTagDefinition');
  const spec = obj(o.spec, 'meshTagDefinition.spec');
  return {
    metadata: { name: str(obj(o.metadata, 'meshTagDefinition.metadata').name, 'meshTagDefinition.metadata.name') },
    spec: {
      targetKind: str(spec.targetKind, 'meshTagDefinition.spec.targetKind') as TagDefinition['spec']['targetKind'],
      key: str(spec.key, 'meshTagDefinition.spec.key'),
      displayName: typeof spec.displayName === 'string' ? spec.displayName : String(spec.key),
      ...(typeof spec.description === 'string' ? { description: spec.description } : {}),
      valueType: normalizeValueType(spec.valueType),
      ...(Number.isInteger(spec.sortOrder) ? { sortOrder: spec.sortOrder as number } : {}),
      ...(typeof spec.replicationKey === 'string' ? { replicationKey: spec.replicationKey } : {}),
      restricted: spec.restricted === true,
      mandatory: spec.mandatory === true,
      immutable: spec.immutable === true,
    },
  };
}

export interface HalPage {
  readonly items: unknown[];
  /** Absent where the platform leaves it out: then it is the page asked for. */
  readonly number?: number;
  readonly totalPages: number;
  /** Absent where the platform leaves it out. */
  readonly totalElements?: number;
}

const count = (v: unknown, what: string): number | undefined => {
  if (v === undefined || v === null) return undefined;
  if (!Number.isSafeInteger(v) || (v as number) < 0) throw new ShapeError(`${what} is not a whole number`);
  return v as number;
};

/**
 * One page of a HAL list. meshStack's OpenAPI document makes `_embedded` optional where only
 * `_links` and `page` are required (the binding lists), and Spring-HATEOAS leaves it out of an
 * empty page: an absent `_embedded` (or an absent list in it) beside a `page` is an empty page.
 */
export function halPage(v: unknown, key: string): HalPage {
  const o = obj(v, 'list');
  const page = o.page === undefined || o.page === null ? undefined : obj(o.page, 'list.page');
  const embedded = o._embedded === undefined || o._embedded === null ? undefined : obj(o._embedded, 'list._embedded');
  const items = embedded?.[key];
  if (items === undefined && page === undefined) throw new ShapeError(`no _embedded.${key} list and no page`);
  if (items !== undefined && !Array.isArray(items)) throw new ShapeError(`_embedded.${key} is not a list`);
  const number = count(page?.number, 'list.page.number');
  return {
    items: (items as unknown[] | undefined) ?? [],
    ...(number !== undefined ? { number } : {}),
    // Without counts, this page is the last.
    totalPages: count(page?.totalPages, 'list.page.totalPages') ?? 0,
    ...(page?.totalElements !== undefined
      ? { totalElements: count(page.totalElements, 'list.page.totalElements') }
      : {}),
  };
}

// The sandbox's extension endpoints (not meshStack's API), checked like everything else.

function list(v: unknown, key: string, what: string): unknown[] {
  const items = obj(v, what)[key];
  if (!Array.isArray(items)) throw new ShapeError(`${what}.${key} is not a list`);
  return items;
}

function oneOf<T extends string>(v: unknown, allowed: readonly T[], what: string): T {
  if (!allowed.includes(v as T)) throw new ShapeError(`${what} is not one of ${allowed.join(', ')}`);
  return v as T;
}

function stringList(v: unknown, what: string): string[] {
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))
    throw new ShapeError(`${what} is not a list of strings`);
  return [...(v as string[])];
}

export function normalizeIdentity(v: unknown): Identity {
  const o = obj(v, 'whoami');
  if (typeof o.partner !== 'boolean') throw new ShapeError('whoami.partner is not a boolean');
  const workspaces = Object.fromEntries(
    Object.entries(obj(o.workspaces ?? {}, 'whoami.workspaces')).map(([ws, roles]) => [
      ws,
      stringList(roles, `whoami.workspaces.${ws}`),
    ]),
  );
  return { username: str(o.username, 'whoami.username'), partner: o.partner, workspaces };
}

export function normalizeSettings(v: unknown): PlatformSettings {
  const o = obj(v, 'settings');
  const fourEyes = obj(o.fourEyes, 'settings.fourEyes');
  if (typeof fourEyes.enabled !== 'boolean') throw new ShapeError('settings.fourEyes.enabled is not a boolean');
  if (!Number.isInteger(fourEyes.minApprovalCount) || (fourEyes.minApprovalCount as number) < 1)
    throw new ShapeError('settings.fourEyes.minApprovalCount is not a whole number >= 1');
  const recertification = Object.fromEntries(
    Object.entries(obj(o.recertification ?? {}, 'settings.recertification')).map(([role, days]): [string, number] => {
      if (!Number.isInteger(days) || (days as number) < 1)
        throw new ShapeError(`settings.recertification.${role} is not a whole number of days`);
      return [role, days as number];
    }),
  );
  const restricted = o.restrictCustomerAdminRoleAssignment;
  return {
    fourEyes: { enabled: fourEyes.enabled, minApprovalCount: fourEyes.minApprovalCount as number },
    recertification,
    ...(typeof restricted === 'boolean' ? { restrictCustomerAdminRoleAssignment: restricted } : {}),
  };
}

function normalizeWorkspaceStatus(item: unknown): WorkspaceStatus {
  const o = obj(item, 'workspace status');
  const quota = o.projectQuota;
  if (quota !== null && !(Number.isInteger(quota) && (quota as number) >= 0))
    throw new ShapeError('workspace status.projectQuota is not a whole number or null');
  if (!Number.isInteger(o.projectCount)) throw new ShapeError('workspace status.projectCount is not a whole number');
  return {
    name: str(o.name, 'workspace status.name'),
    status: oneOf(o.status, ['active', 'disabled'] as const, 'workspace status.status'),
    approval: oneOf(o.approval, ['approved', 'pending'] as const, 'workspace status.approval'),
    projectQuota: quota as number | null,
    projectCount: o.projectCount as number,
  };
}

export function normalizeWorkspaceStatuses(v: unknown): WorkspaceStatus[] {
  return list(v, 'workspaces', 'workspace statuses').map(normalizeWorkspaceStatus);
}

export function normalizeRoleRequest(v: unknown): RoleRequest {
  const o = obj(v, 'role request');
  const subject = obj(o.subject, 'role request.subject');
  return {
    id: str(o.id, 'role request.id'),
    status: oneOf(o.status, ['PENDING', 'APPROVED', 'DECLINED', 'CANCELLED'] as const, 'role request.status'),
    workspace: str(o.workspace, 'role request.workspace'),
    ...(o.project ? { project: str(o.project, 'role request.project') } : {}),
    bindingName: str(o.bindingName, 'role request.bindingName'),
    subjectKind: oneOf(subject.kind, ['User', 'Group'] as const, 'role request.subject.kind'),
    subject: str(subject.name, 'role request.subject.name'),
    role: str(o.role, 'role request.role'),
    ...(typeof o.expiryDate === 'string' ? { expiryDate: o.expiryDate } : {}),
    ...(typeof o.reason === 'string' ? { reason: o.reason } : {}),
    requestedBy: str(o.requestedBy, 'role request.requestedBy'),
    requestedAt: str(o.requestedAt, 'role request.requestedAt'),
    approvals: stringList(o.approvals, 'role request.approvals'),
  };
}

export function normalizeRoleRequests(v: unknown): RoleRequest[] {
  return list(v, 'roleRequests', 'role requests').map(normalizeRoleRequest);
}

/** A meshProjectRole: bindings name it by its display name, `spec.name`. */
export function normalizeProjectRole(v: unknown): string {
  return str(obj(obj(v, 'meshProjectRole').spec, 'meshProjectRole.spec').name, 'meshProjectRole.spec.name');
}

export function normalizeEvents(v: unknown): WorkspaceEvent[] {
  return list(v, 'events', 'events').map((item) => {
    const o = obj(item, 'event');
    return {
      type: str(o.type, 'event.type'),
      actor: str(o.actor, 'event.actor'),
      at: str(o.at, 'event.at'),
      ...(typeof o.project === 'string' ? { project: o.project } : {}),
      details: obj(o.details ?? {}, 'event.details'),
    };
  });
}

export function normalizeClock(v: unknown): Date {
  const at = new Date(str(obj(v, 'clock').now, 'clock.now'));
  if (Number.isNaN(at.getTime())) throw new ShapeError('clock.now is not a date-time');
  return at;
}

// Request bodies, with apiVersion and kind as meshStack's own Terraform provider sends them.

/** Tags as meshform writes them: empty lists left out (meshStack would drop them). */
function writtenTags(tags: Record<string, string[]>): Record<string, string[]> {
  return Object.fromEntries(Object.entries(tags).filter(([, v]) => v.length > 0));
}

export function workspaceBody(ws: Omit<LiveWorkspace, 'deleted'>) {
  return {
    apiVersion: 'v2',
    kind: 'meshWorkspace',
    metadata: { name: ws.name, tags: writtenTags(ws.tags) },
    spec: { displayName: ws.displayName },
  };
}

export function projectBody(p: LiveProject) {
  return {
    apiVersion: 'v2',
    kind: 'meshProject',
    metadata: { name: p.name, ownedByWorkspace: p.workspace },
    spec: { displayName: p.displayName, tags: writtenTags(p.tags) },
  };
}

/** The current tags with `change` applied: declared keys set, `[]` removes, others kept. */
export function mergeTags(
  current: Record<string, string[]>,
  change: Record<string, string[]>,
): Record<string, string[]> {
  const out: Record<string, string[]> = { ...current };
  for (const [key, values] of Object.entries(change)) {
    if (values.length) out[key] = [...values];
    else delete out[key];
  }
  return out;
}

/** Whether the object's display name and the change's tag keys still are what `expected` says ([] = absent). */
export function matchesExpected(
  displayName: string,
  tags: Record<string, string[]>,
  expected: AttributeChange,
): boolean {
  if (displayName !== expected.displayName) return false;
  return Object.entries(expected.tags).every(
    ([key, values]) => JSON.stringify(tags[key] ?? []) === JSON.stringify(values),
  );
}

/**
 * A PUT body for meshStack's full-rewrite PUT: the object as read (every field, known or not), with
 * what meshform manages changed. `tagsAt` says where the kind keeps its tags.
 */
export function rewriteBody(
  raw: Record<string, unknown>,
  kind: string,
  apiVersion: string,
  tagsAt: 'metadata' | 'spec',
  change: AttributeChange,
): Record<string, unknown> {
  const { _links: _ignored, ...rest } = raw;
  const metadata = { ...obj(rest.metadata ?? {}, `${kind}.metadata`) };
  const spec = { ...obj(rest.spec ?? {}, `${kind}.spec`) };
  // Read-only fields are the platform's to set.
  delete metadata.createdOn;
  delete metadata.deletedOn;
  const section = tagsAt === 'metadata' ? metadata : spec;
  section.tags = writtenTags(mergeTags(normalizeTags(section.tags, `${kind}.${tagsAt}.tags`), change.tags));
  spec.displayName = change.displayName;
  return { ...rest, apiVersion, kind, metadata, spec };
}

export function bindingKind(b: Pick<LiveBinding, 'project' | 'subjectKind'>): string {
  return `mesh${b.project === undefined ? 'Workspace' : 'Project'}${b.subjectKind}Binding`;
}

/** `withExpiry`: whether the platform takes an expiry for this binding (project bindings: sandbox only). */
/** Which optional fields the platform takes: expiry on project bindings, invitations and grant reasons are sandbox extensions. */
export interface BindingFields {
  readonly expiry: boolean;
  readonly invitation: boolean;
  readonly reason: boolean;
}

export function bindingBody(b: BindingRequest, fields: BindingFields) {
  const project = b.project !== undefined;
  // meshStack keeps a day for workspace bindings; the sandbox's project-binding expiry keeps the instant.
  const expiryDate =
    b.expiryDate === undefined
      ? undefined
      : project
        ? b.expiryDate
        : (parseExpiry(b.expiryDate)?.apiDate ?? b.expiryDate);
  return {
    apiVersion: project ? 'v3' : 'v2',
    kind: bindingKind(b),
    metadata: { name: b.name },
    targetRef: project ? { name: b.project, ownedByWorkspace: b.workspace } : { name: b.workspace },
    roleRef: { name: b.role },
    subject: { name: b.subject },
    ...(fields.expiry && expiryDate !== undefined ? { expiryDate } : {}),
    ...(fields.invitation && b.invitation ? { invitation: b.invitation } : {}),
    ...(fields.reason && b.reason ? { reason: b.reason } : {}),
  };
}

/** A tag definition body; fields the definition leaves out keep their live values (PUT is a full rewrite). */
export function tagDefinitionBody(def: TagDefinition, liveSpec: Record<string, unknown> = {}) {
  return { apiVersion: 'v1', kind: 'meshTagDefinition', metadata: def.metadata, spec: { ...liveSpec, ...def.spec } };
}
