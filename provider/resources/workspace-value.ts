/**
 * meshform_workspace: its schema, and its values as workspace entries (schemas/workspace-data), the
 * shape `addWorkspaces` turns into constructs and `meshform import` writes. The resource is the
 * workspace data file's entry in HCL, so Terraform configuration, YAML and TypeScript say the same.
 */
import type { Binding, ProjectEntry, WorkspaceEntry } from '../../schemas/workspace-data.generated';
import type { BlockSpec, SchemaSpec } from '../protocol/schema';
import { ALLOWABLE } from './diagnostics';
import { type CtyType, type Value, isObject } from '../protocol/values';

const TAGS: CtyType = ['map', ['list', 'string']];

/** A binding's status as the provider reports it (computed). */
export const BINDING_STATUS = { active: 'active', expired: 'expired', waiting: 'waiting for approval' } as const;

const binding: BlockSpec = {
  description: 'A role binding: exactly one of user, group or invite.',
  attributes: {
    role: {
      type: 'string',
      required: true,
      description: 'Role display name, e.g. Workspace Owner, Workspace Member, Project Admin.',
    },
    user: { type: 'string', optional: true, description: 'Username.' },
    group: { type: 'string', optional: true, description: 'Workspace user group identifier.' },
    invite: {
      type: ['object', { first_name: 'string', last_name: 'string', email: 'string' }],
      optional: true,
      description: 'A person the platform does not know yet, invited by e-mail.',
    },
    expiry_date: {
      type: 'string',
      optional: true,
      description: 'YYYY-MM-DD (valid through that day, UTC) or an RFC 3339 date-time.',
    },
    reason: { type: 'string', optional: true, description: 'Why the access is granted.' },
    status: {
      type: 'string',
      computed: true,
      description:
        '"active", "expired" (the binding is gone from the platform since its expiry date), or "waiting for approval" (4-eyes).',
    },
  },
};

export const WORKSPACE_SCHEMA: SchemaSpec = {
  version: 0,
  block: {
    description:
      'A meshWorkspace with its tags, quota, status, role bindings and projects, planned and applied by meshform (every rule of `meshform plan` holds).',
    attributes: {
      id: { type: 'string', computed: true, description: 'The workspace identifier.' },
      identifier: {
        type: 'string',
        required: true,
        description: 'Workspace identifier; immutable (a change is refused, never a replacement).',
      },
      display_name: { type: 'string', required: true, description: 'Display name.' },
      tags: { type: TAGS, optional: true, description: 'Tags: key to values (each key needs a tag definition).' },
      status: {
        type: 'string',
        optional: true,
        computed: true,
        description: '"active" (default) or "disabled"; only a partner may change it.',
      },
      project_quota: { type: 'number', optional: true, description: 'Maximum number of projects; unset: not managed.' },
      binding_management: {
        type: 'string',
        optional: true,
        computed: true,
        description: '"authoritative" (default: bindings not declared are removed) or "additive".',
      },
      adopt: { type: 'bool', optional: true, description: 'Take over a live workspace that no meshform stack owns.' },
      allow: {
        type: ['set', 'string'],
        optional: true,
        description: `Refusals to override, as meshform plan's --allow-… flags: ${ALLOWABLE.map((a) => `"${a}"`).join(', ')}.`,
      },
      deletion_reason: {
        type: 'string',
        optional: true,
        description: 'Set (and apply) before destroying: meshform deletes a workspace only with a recorded reason.',
      },
      owner_stack: {
        type: 'string',
        computed: true,
        description:
          "The meshform stack that owns the workspace (its meshformStack tag): the provider's `stack` once applied; null for a workspace imported from an estate no stack owns.",
      },
    },
    blocks: {
      binding: { nesting: 'set', block: binding },
      project: {
        nesting: 'list',
        block: {
          description:
            'A meshProject of the workspace. Removing the block does not delete the project: set deletion_reason.',
          attributes: {
            identifier: { type: 'string', required: true, description: 'Project identifier; immutable.' },
            display_name: {
              type: 'string',
              optional: true,
              computed: true,
              description: 'Display name (default: the identifier).',
            },
            tags: { type: TAGS, optional: true, description: 'Tags: key to values.' },
            deletion_reason: { type: 'string', optional: true, description: 'Set to delete the project.' },
          },
          blocks: { binding: { nesting: 'set', block: binding } },
        },
      },
    },
  },
};

export type Obj = { [k: string]: Value };

/** A string attribute's value; undefined where null. */
export const str = (v: Value | undefined): string | undefined => (typeof v === 'string' ? v : undefined);

/** A string attribute as text (the schema makes it a string; anything else shows as JSON, never "[object Object]"). */
export const text = (v: Value | undefined): string => (typeof v === 'string' ? v : (JSON.stringify(v) ?? ''));
const tagsOf = (v: Value | undefined): Record<string, string[]> | undefined =>
  isObject(v) ? (v as Record<string, string[]>) : undefined;
/** A nested block's elements (a list or set of objects). */
export const objects = (v: Value | undefined): Obj[] => (Array.isArray(v) ? v.filter(isObject) : []);

/** Each binding list of a workspace value, with the project it belongs to ('' for the workspace's own). */
export function bindingLists(
  v: Obj,
): Array<{ readonly project: string; readonly holder: Obj; readonly bindings: Obj[] }> {
  return [
    { project: '', holder: v, bindings: objects(v.binding) },
    ...objects(v.project).map((p) => ({ project: text(p.identifier), holder: p, bindings: objects(p.binding) })),
  ];
}

function bindingEntry(b: Obj): Binding {
  const invite = isObject(b.invite)
    ? { firstName: text(b.invite.first_name), lastName: text(b.invite.last_name), email: text(b.invite.email) }
    : undefined;
  return {
    role: text(b.role),
    ...(str(b.user) !== undefined ? { user: str(b.user) } : {}),
    ...(str(b.group) !== undefined ? { group: str(b.group) } : {}),
    ...(invite ? { invite } : {}),
    ...(str(b.expiry_date) !== undefined ? { expiryDate: str(b.expiry_date) } : {}),
    ...(str(b.reason) !== undefined ? { reason: str(b.reason) } : {}),
  };
}

/**
 * The workspace entry a (known) resource value declares. The workspace's deletion_reason is not a
 * deletion: it is what `terraform destroy` records (a project's deletion_reason deletes the project).
 */
export function entryOf(v: Obj): WorkspaceEntry {
  const projects: ProjectEntry[] = objects(v.project).map((p) => ({
    identifier: text(p.identifier),
    ...(str(p.display_name) !== undefined ? { displayName: str(p.display_name) } : {}),
    ...(tagsOf(p.tags) ? { tags: tagsOf(p.tags) } : {}),
    ...(str(p.deletion_reason) ? { deletion: { reason: str(p.deletion_reason)! } } : {}),
    bindings: objects(p.binding).map(bindingEntry),
  }));
  return {
    identifier: text(v.identifier),
    displayName: text(v.display_name),
    ...(tagsOf(v.tags) ? { tags: tagsOf(v.tags) } : {}),
    ...(v.status === 'active' || v.status === 'disabled' ? { status: v.status } : {}),
    ...(typeof v.project_quota === 'number' ? { projectQuota: v.project_quota } : {}),
    ...(v.binding_management === 'additive' || v.binding_management === 'authoritative'
      ? { bindingManagement: v.binding_management }
      : {}),
    ...(v.adopt === true ? { adopt: true } : {}),
    bindings: objects(v.binding).map(bindingEntry),
    projects,
  };
}

function bindingValue(b: Binding): Obj {
  return {
    role: b.role,
    user: b.user ?? null,
    group: b.group ?? null,
    invite: b.invite ? { first_name: b.invite.firstName, last_name: b.invite.lastName, email: b.invite.email } : null,
    expiry_date: b.expiryDate ?? null,
    reason: b.reason ?? null,
    status: BINDING_STATUS.active,
  };
}

const tagValue = (tags: Record<string, string | string[]> | undefined): Value =>
  tags && Object.keys(tags).length
    ? Object.fromEntries(Object.entries(tags).map(([k, v]) => [k, Array.isArray(v) ? v : [v]]))
    : null;

/** The resource value of an entry (import): what `-generate-config-out` writes as configuration. */
export function valueOf(e: WorkspaceEntry): Obj {
  return {
    id: e.identifier,
    identifier: e.identifier,
    display_name: e.displayName ?? e.identifier,
    tags: tagValue(e.tags),
    status: e.status ?? 'active',
    project_quota: e.projectQuota ?? null,
    binding_management: e.bindingManagement ?? 'authoritative',
    adopt: e.adopt ? true : null,
    allow: null,
    deletion_reason: null,
    owner_stack: null,
    binding: (e.bindings ?? []).map(bindingValue),
    project: (e.projects ?? []).map((p) => ({
      identifier: p.identifier,
      display_name: p.displayName ?? p.identifier,
      tags: tagValue(p.tags),
      deletion_reason: null,
      binding: (p.bindings ?? []).map(bindingValue),
    })),
  };
}

/** Who a binding value is about, and its role, as plan steps name it: `User:alice:Workspace Owner`. */
export function bindingKey(b: Obj): string {
  const invite = isObject(b.invite) ? text(b.invite.email) : undefined;
  const [kind, name] = str(b.group) !== undefined ? ['Group', str(b.group)] : ['User', str(b.user) ?? invite];
  return `${kind}:${name}:${text(b.role)}`;
}
