/** meshObjects as the meshStack API returns them (shapes from meshStack's OpenAPI document). */
import type { WorkspaceRow } from './domain/access';
import type { ProjectRoleRow } from './domain/project-roles';

const API = '/api/meshobjects';
const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

/** Fields of metadata and spec the sandbox has no column for, as they were written (see extraFields). */
export interface Extra {
  readonly metadata?: Record<string, unknown>;
  readonly spec?: Record<string, unknown>;
}

export function workspaceJson(ws: WorkspaceRow, base: string) {
  const q = `?workspaceIdentifier=${encodeURIComponent(ws.name)}`;
  return {
    apiVersion: 'v2',
    kind: 'meshWorkspace',
    metadata: {
      ...ws.extra?.metadata,
      name: ws.name,
      tags: ws.tags,
      createdOn: iso(ws.created_on),
      ...(ws.deleted_on ? { deletedOn: iso(ws.deleted_on) } : {}),
    },
    spec: { ...ws.extra?.spec, displayName: ws.display_name, platformBuilderAccessEnabled: ws.platform_builder_access },
    _links: {
      self: { href: `${base}${API}/meshworkspaces/${ws.name}` },
      meshprojects: { href: `${base}${API}/meshprojects${q}` },
      meshtenants: { href: `${base}${API}/meshtenants${q}` },
      meshusers: { href: `${base}${API}/meshusers${q}` },
      meshpaymentmethods: { href: `${base}${API}/meshpaymentmethods${q}` },
      meshworkspaceusergroups: { href: `${base}${API}/meshworkspaceusergroups${q}` },
    },
  };
}

/** meshStack's deletion states: `deletedOn` is set from the moment a deletion is submitted. */
export type ProjectState = 'ACTIVE' | 'PENDING_DELETION' | 'DELETED';

export interface ProjectRow {
  workspace: string;
  name: string;
  display_name: string;
  tags: Record<string, string[]>;
  payment_method: string | null;
  substitute_payment_method: string | null;
  created_on: Date;
  deleted_on: Date | null;
  state: ProjectState;
  deletion_requested_at: Date | null;
  extra: Extra | null;
}

export function projectJson(p: ProjectRow, base: string) {
  return {
    apiVersion: 'v2',
    kind: 'meshProject',
    metadata: {
      ...p.extra?.metadata,
      name: p.name,
      ownedByWorkspace: p.workspace,
      createdOn: iso(p.created_on),
      ...(p.state !== 'ACTIVE' ? { deletedOn: iso(p.deletion_requested_at ?? p.deleted_on) } : {}),
    },
    spec: {
      ...p.extra?.spec,
      displayName: p.display_name,
      tags: p.tags,
      paymentMethodIdentifier: p.payment_method,
      substitutePaymentMethodIdentifier: p.substitute_payment_method,
    },
    _links: { self: { href: `${base}${API}/meshprojects/${p.workspace}.${p.name}` } },
  };
}

export interface WorkspaceBindingRow {
  name: string;
  subject_kind: 'user' | 'group';
  workspace: string;
  role: string;
  subject: string;
  expiry_date: string | Date | null;
  created_on: Date;
}

/** `expiry_date` comes back from Postgres as a Date at midnight UTC (or a string): always YYYY-MM-DD. */
export function dateOnly(d: string | Date): string {
  return typeof d === 'string' ? d.slice(0, 10) : d.toISOString().slice(0, 10);
}

export function workspaceBindingJson(b: WorkspaceBindingRow, displayName: string, base: string) {
  const kind = b.subject_kind === 'user' ? 'meshWorkspaceUserBinding' : 'meshWorkspaceGroupBinding';
  return {
    apiVersion: 'v2',
    kind,
    metadata: { name: b.name },
    roleRef: { name: b.role },
    targetRef: { name: b.workspace, displayName },
    subject: { name: b.subject },
    ...(b.expiry_date ? { expiryDate: dateOnly(b.expiry_date) } : {}),
    _links: { self: { href: `${base}${API}/meshworkspacebindings/${b.subject_kind}bindings/${b.name}` } },
  };
}

export interface ProjectBindingRow {
  name: string;
  subject_kind: 'user' | 'group';
  workspace: string;
  project: string;
  role: string;
  subject: string;
  expiry_date: string | null;
  created_on: Date;
}

export function projectBindingJson(b: ProjectBindingRow, displayName: string, base: string) {
  const kind = b.subject_kind === 'user' ? 'meshProjectUserBinding' : 'meshProjectGroupBinding';
  return {
    apiVersion: 'v3',
    kind,
    metadata: { name: b.name },
    roleRef: { name: b.role },
    targetRef: { name: b.project, ownedByWorkspace: b.workspace, displayName },
    subject: { name: b.subject },
    // Not in meshStack's v3 API: the sandbox keeps the expiry the panel allows (extension).
    ...(b.expiry_date ? { expiryDate: b.expiry_date } : {}),
    _links: { self: { href: `${base}${API}/meshprojectbindings/${b.subject_kind}bindings/${b.name}` } },
  };
}

export interface UserRow {
  username: string;
  uuid: string;
  email: string | null;
  first_name: string | null;
  last_name: string | null;
  euid: string | null;
  tags: Record<string, string[]>;
}

export function userJson(u: UserRow, base: string) {
  return {
    apiVersion: 'v2',
    kind: 'meshUser',
    metadata: { name: u.username, uuid: u.uuid },
    spec: {
      email: u.email ?? '',
      firstName: u.first_name ?? '',
      lastName: u.last_name ?? '',
      euid: u.euid,
      tags: u.tags,
    },
    _links: { self: { href: `${base}${API}/meshusers/${u.username}` } },
  };
}

export interface GroupRow {
  workspace: string;
  name: string;
  display_name: string;
  egid: string | null;
  members: string[];
  tags: Record<string, string[]>;
}

export function groupJson(g: GroupRow, base: string) {
  return {
    apiVersion: 'v1',
    kind: 'meshWorkspaceUserGroup',
    metadata: { name: g.name, ownedByWorkspace: g.workspace },
    spec: { displayName: g.display_name, egid: g.egid, members: g.members, tags: g.tags },
    _links: { self: { href: `${base}${API}/meshworkspaceusergroups/${g.workspace}.${g.name}` } },
  };
}

export interface PaymentMethodRow {
  name: string;
  workspace: string;
  display_name: string;
  amount: string | null;
  expiration_date: string | null;
  tags: Record<string, string[]>;
  created_on: Date;
  deleted_on: Date | null;
}

export function paymentMethodJson(m: PaymentMethodRow, base: string) {
  return {
    apiVersion: 'v2',
    kind: 'meshPaymentMethod',
    metadata: {
      name: m.name,
      ownedByWorkspace: m.workspace,
      createdOn: iso(m.created_on),
      deletedOn: iso(m.deleted_on),
    },
    spec: {
      displayName: m.display_name,
      amount: m.amount === null ? null : Number(m.amount),
      expirationDate: m.expiration_date,
      tags: m.tags,
    },
    _links: { self: { href: `${base}${API}/meshpaymentmethods/${m.name}` } },
  };
}

export function tagDefinitionJson(doc: { metadata: { name: string }; spec: unknown }, base: string) {
  return {
    apiVersion: 'v1',
    kind: 'meshTagDefinition',
    metadata: doc.metadata,
    spec: doc.spec,
    _links: { self: { href: `${base}${API}/meshtagdefinitions/${doc.metadata.name}` } },
  };
}

export function projectRoleJson(r: ProjectRoleRow, base: string) {
  return {
    apiVersion: 'v1',
    kind: 'meshProjectRole',
    metadata: { name: r.name, tags: r.tags },
    spec: { name: r.display_name, ...(r.description !== null ? { description: r.description } : {}), rank: r.rank },
    _links: { self: { href: `${base}${API}/meshprojectroles/${r.name}` } },
  };
}
