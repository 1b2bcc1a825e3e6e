/**
 * Translation between meshStack's JSON and meshform's live types: request bodies out, normalized
 * objects in. Normalizers keep only what meshform compares and throw on a shape they do not know,
 * so a hostile or broken response never becomes a wrong plan.
 */
import type { TagDefinition } from '../../schemas/desired-state.generated';
import type { BindingRequest, LiveBinding, LiveProject, LiveUser, LiveWorkspace, SubjectKind } from './types';

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

/** meshStack tags: key → list of strings; a missing or null tags object means no tags. */
export function normalizeTags(v: unknown, what: string): Record<string, string[]> {
  if (v === undefined || v === null) return {};
  const o = obj(v, what);
  const out: Record<string, string[]> = {};
  for (const key of Object.keys(o).sort()) {
    const values = o[key];
    if (!Array.isArray(values) || values.some((x) => typeof x !== 'string')) throw new ShapeError(`${what}.${key} is not a list of strings`);
    out[key] = [...(values as string[])];
  }
  return out;
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

export function normalizeProject(v: unknown): LiveProject {
  const o = obj(v, 'meshProject');
  const metadata = obj(o.metadata, 'meshProject.metadata');
  const spec = obj(o.spec, 'meshProject.spec');
  return {
    workspace: str(metadata.ownedByWorkspace, 'meshProject.metadata.ownedByWorkspace'),
    name: str(metadata.name, 'meshProject.metadata.name'),
    displayName: str(spec.displayName, 'meshProject.spec.displayName'),
    tags: normalizeTags(spec.tags, 'meshProject.spec.tags'),
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
  if (expiry !== undefined && expiry !== null && typeof expiry !== 'string') throw new ShapeError(`${kind}.expiryDate is not a string`);
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
  return { username: str(obj(o.metadata, 'meshUser.metadata').name, 'meshUser.metadata.name'), email: String(obj(o.spec, 'meshUser.spec').email ?? '') };
}

export function normalizeTagDefinition(v: unknown): TagDefinition {
  const o = obj(v, 'meshTagDefinition');
  const spec = obj(o.spec, 'meshTagDefinition.spec');
  obj(spec.valueType, 'meshTagDefinition.spec.valueType');
  return {
    metadata: { name: str(obj(o.metadata, 'meshTagDefinition.metadata').name, 'meshTagDefinition.metadata.name') },
    spec: {
      targetKind: str(spec.targetKind, 'meshTagDefinition.spec.targetKind') as TagDefinition['spec']['targetKind'],
      key: str(spec.key, 'meshTagDefinition.spec.key'),
      displayName: typeof spec.displayName === 'string' ? spec.displayName : String(spec.key),
      ...(typeof spec.description === 'string' ? { description: spec.description } : {}),
      valueType: spec.valueType as TagDefinition['spec']['valueType'],
      restricted: spec.restricted === true,
      mandatory: spec.mandatory === true,
      immutable: spec.immutable === true,
    },
  };
}

// Request bodies, with apiVersion and kind as meshStack's own Terraform provider sends them.

export function workspaceBody(ws: Omit<LiveWorkspace, 'deleted'>) {
  return { apiVersion: 'v2', kind: 'meshWorkspace', metadata: { name: ws.name, tags: ws.tags }, spec: { displayName: ws.displayName } };
}

export function projectBody(p: LiveProject) {
  return { apiVersion: 'v2', kind: 'meshProject', metadata: { name: p.name, ownedByWorkspace: p.workspace }, spec: { displayName: p.displayName, tags: p.tags } };
}

export function bindingKind(b: Pick<LiveBinding, 'project' | 'subjectKind'>): string {
  return `mesh${b.project === undefined ? 'Workspace' : 'Project'}${b.subjectKind}Binding`;
}

/** `withExpiry`: whether the platform takes an expiry for this binding (project bindings: sandbox only). */
export function bindingBody(b: BindingRequest, withExpiry: boolean, withInvitation: boolean) {
  const project = b.project !== undefined;
  return {
    apiVersion: project ? 'v3' : 'v2',
    kind: bindingKind(b),
    metadata: { name: b.name },
    targetRef: project ? { name: b.project, ownedByWorkspace: b.workspace } : { name: b.workspace },
    roleRef: { name: b.role },
    subject: { name: b.subject },
    ...(withExpiry && b.expiryDate !== undefined ? { expiryDate: b.expiryDate } : {}),
    ...(withInvitation && b.invitation ? { invitation: b.invitation } : {}),
  };
}

export function tagDefinitionBody(def: TagDefinition) {
  return { apiVersion: 'v1', kind: 'meshTagDefinition', metadata: def.metadata, spec: def.spec };
}
