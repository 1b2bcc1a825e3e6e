/**
 * meshform_workspace: its schema, and its values as workspace entries (schemas/workspace-data), the
 * shape `addWorkspaces` turns into constructs and `meshform import` writes. The resource is the
 * workspace data file's entry in HCL, so Terraform configuration, YAML and TypeScript say the same.
 */
import {
  type DeclarationField,
  type FieldType,
  type Fields,
  PROJECT_FIELDS,
  WORKSPACE_FIELDS,
  valueOrDefault,
} from '../../core/declaration';
import { attributeValue, declaredAttributes } from '../../core/terraform-attributes';
import type { Binding, ProjectEntry, WorkspaceEntry } from '../../schemas/workspace-data.generated';
import type { AttributeSpec, BlockSpec, SchemaSpec } from '../protocol/schema';
import { ALLOWABLE } from './diagnostics';
import { type CtyType, type Value, isObject } from '../protocol/values';

const TAGS: CtyType = ['map', ['list', 'string']];

const CTY_TYPES: Record<FieldType['kind'], CtyType> = {
  string: 'string',
  integer: 'number',
  enum: 'string',
  flag: 'bool',
  tags: TAGS,
  deletion: 'string',
};

const defaultText = (f: DeclarationField) =>
  !f.default ? '' : 'value' in f.default ? ` Default: "${f.default.value}".` : ` Default: the ${f.default.field}.`;

/** The attributes of a declaration's fields: a field with a default is computed, so that the plan shows it. */
function declaredAttributeSpecs(fields: Fields): Record<string, AttributeSpec> {
  return Object.fromEntries(
    Object.values(fields).map((f): [string, AttributeSpec] => [
      f.provider.attribute,
      {
        type: CTY_TYPES[f.type.kind],
        ...(f.required || f.provider.required ? { required: true } : { optional: true }),
        ...(f.default && !f.provider.required ? { computed: true } : {}),
        description: `${f.provider.description ?? f.description}${defaultText(f)}${f.immutable ? ' Immutable: a change is refused, never a replacement.' : ''}`,
      },
    ]),
  );
}

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
      ...declaredAttributeSpecs(WORKSPACE_FIELDS),
      allow: {
        type: ['set', 'string'],
        optional: true,
        description: `Refusals to override, as meshform plan's --allow-… flags: ${ALLOWABLE.map((a) => `"${a}"`).join(', ')}.`,
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
            ...declaredAttributeSpecs(PROJECT_FIELDS),
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

/** A field's entry value from its attribute; undefined where the attribute declares nothing. */
function entryValue(type: FieldType, v: Value | undefined): unknown {
  switch (type.kind) {
    case 'string':
      return str(v);
    case 'integer':
      return typeof v === 'number' ? v : undefined;
    case 'enum':
      return typeof v === 'string' && type.values.includes(v) ? v : undefined;
    case 'flag':
      return v === true ? true : undefined;
    case 'tags':
      return isObject(v) ? v : undefined;
    case 'deletion':
      return str(v) ? { reason: str(v) } : undefined;
  }
}

/** The fields a resource value (or a project block) declares, by their entry keys. */
const declaredEntry = (fields: Fields, v: Obj) =>
  Object.fromEntries(
    Object.values(fields).flatMap((f) => {
      const x = f.provider.onDestroy ? undefined : entryValue(f.type, v[f.provider.attribute]);
      return x === undefined ? [] : [[f.name, x]];
    }),
  );

/**
 * The workspace entry a (known) resource value declares. The workspace's deletion_reason is not a
 * deletion: it is what `terraform destroy` records (a project's deletion_reason deletes the project).
 */
export function entryOf(v: Obj): WorkspaceEntry {
  const projects = objects(v.project).map((p): ProjectEntry => ({
    ...(declaredEntry(PROJECT_FIELDS, p) as Omit<ProjectEntry, 'bindings'>),
    bindings: objects(p.binding).map(bindingEntry),
  }));
  return {
    ...(declaredEntry(WORKSPACE_FIELDS, v) as Omit<WorkspaceEntry, 'bindings' | 'projects'>),
    bindings: objects(v.binding).map(bindingEntry),
    projects,
  };
}

/** The defaults a value leaves out, filled in as the plan shows them (the computed attributes). */
export function withDefaults(fields: Fields, v: Obj): void {
  const valueOf = (name: string) => v[fields[name].provider.attribute] ?? undefined;
  for (const f of Object.values(fields))
    if (f.default && !f.provider.required)
      v[f.provider.attribute] ??= attributeValue(f.type, valueOrDefault(f, valueOf)) as Value;
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

/** The resource value of an entry (import): what `-generate-config-out` writes as configuration. */
export function valueOf(e: WorkspaceEntry): Obj {
  return {
    id: e.identifier,
    ...(declaredAttributes(WORKSPACE_FIELDS, (name) => e[name as keyof WorkspaceEntry]) as Obj),
    allow: null,
    owner_stack: null,
    binding: (e.bindings ?? []).map(bindingValue),
    project: (e.projects ?? []).map((p) => ({
      ...(declaredAttributes(PROJECT_FIELDS, (name) => p[name as keyof ProjectEntry]) as Obj),
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
