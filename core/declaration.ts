/**
 * The field table of a workspace and of a project declaration, once. Each field says its JSON type,
 * its default, what it means, whether it is immutable, and where every shape that carries a
 * declaration holds it: the construct prop and the workspace data entry's key (`name`, the same in
 * both), the manifest (`manifest`, a path in schemas/desired-state.schema.json's Workspace or
 * Project), the provider's attribute, and whether `meshform import` writes it. The constructs'
 * defaults, the provider's attributes, defaults and values (synth's too, core/terraform-attributes.ts)
 * and import's TypeScript writer follow from it; test/core/declaration.test.ts holds the JSON Schemas
 * and every consumer to it.
 */
import type { ProjectEntry, WorkspaceEntry } from '../schemas/workspace-data.generated';

export type FieldType =
  | { readonly kind: 'string' }
  | { readonly kind: 'integer' }
  /** `constructEnum`: the constructs' TypeScript enum for the values (its members are the values in upper case). */
  | { readonly kind: 'enum'; readonly values: readonly string[]; readonly constructEnum?: string }
  /** true, or absent: never false. */
  | { readonly kind: 'flag' }
  | { readonly kind: 'tags' }
  | { readonly kind: 'deletion' };

export interface DeclarationField {
  /** The construct prop and the workspace data entry's key. */
  readonly name: string;
  readonly type: FieldType;
  readonly description: string;
  /** Every declaration says it. */
  readonly required?: boolean;
  /** Fixed once created: a change is refused, never a replacement. */
  readonly immutable?: boolean;
  /** The value where a declaration leaves the field out: a constant, or another field's value. None: meshform leaves it alone. */
  readonly default?: { readonly value: string } | { readonly field: string };
  /** Where the manifest holds it: `metadata.name`, `spec.status`. */
  readonly manifest: string;
  readonly provider: {
    readonly attribute: string;
    /** Terraform configuration must say it, although the declaration has a default. */
    readonly required?: boolean;
    /** What the attribute means where it is not the field's meaning. */
    readonly description?: string;
    /** Not part of what the resource declares: a destroy reads it (the workspace's deletion_reason). */
    readonly onDestroy?: boolean;
  };
  /** What `meshform import` writes: the value (or its default) always, the value where it is set, or nothing. */
  readonly imported: 'always' | 'when-set' | 'never';
}

type FieldsOf<Entry> = {
  readonly [K in Exclude<keyof Entry, 'bindings' | 'projects'>]-?: DeclarationField & { name: K };
};

const identifier = (what: string) =>
  ({
    name: 'identifier',
    type: { kind: 'string' },
    description: `The ${what} identifier: lowercase letters, digits and dashes.`,
    required: true,
    immutable: true,
    manifest: 'metadata.name',
    provider: { attribute: 'identifier' },
    imported: 'always',
  }) as const;

const displayName = {
  name: 'displayName',
  type: { kind: 'string' },
  description: 'Display name shown in meshPanel; editable later.',
  default: { field: 'identifier' },
  manifest: 'spec.displayName',
  provider: { attribute: 'display_name' },
  imported: 'always',
} as const;

const tags = {
  name: 'tags',
  type: { kind: 'tags' },
  description: 'Tags: key to values (each key needs a tag definition).',
  manifest: 'metadata.tags',
  provider: { attribute: 'tags' },
  imported: 'when-set',
} as const;

/** A workspace declaration (constructs/workspace.ts `WorkspaceProps`, a workspace data entry, meshform_workspace). */
export const WORKSPACE_FIELDS = {
  identifier: identifier('workspace'),
  displayName: { ...displayName, provider: { attribute: 'display_name', required: true } },
  tags,
  status: {
    name: 'status',
    type: { kind: 'enum', values: ['active', 'disabled'] },
    description: 'Workspace status; only a partner may change it.',
    default: { value: 'active' },
    manifest: 'spec.status',
    provider: { attribute: 'status' },
    imported: 'when-set',
  },
  projectQuota: {
    name: 'projectQuota',
    type: { kind: 'integer' },
    description: 'Maximum number of projects; unset: meshform does not manage the quota.',
    manifest: 'spec.projectQuota',
    provider: { attribute: 'project_quota' },
    imported: 'when-set',
  },
  bindingManagement: {
    name: 'bindingManagement',
    type: { kind: 'enum', values: ['authoritative', 'additive'], constructEnum: 'BindingManagement' },
    description: 'authoritative: bindings the code does not declare are removed; additive: they are left alone.',
    default: { value: 'authoritative' },
    manifest: 'spec.bindingManagement',
    provider: { attribute: 'binding_management' },
    imported: 'always',
  },
  adopt: {
    name: 'adopt',
    type: { kind: 'flag' },
    description: 'Take over a live workspace that no meshform stack owns.',
    manifest: 'spec.adopt',
    provider: { attribute: 'adopt' },
    imported: 'when-set',
  },
  deletion: {
    name: 'deletion',
    type: { kind: 'deletion' },
    description: 'Set to delete the workspace (all projects are deleted first), with the reason recorded.',
    manifest: 'spec.deletion',
    provider: {
      attribute: 'deletion_reason',
      description: 'Set (and apply) before destroying: meshform deletes a workspace only with a recorded reason.',
      onDestroy: true,
    },
    imported: 'never',
  },
} as const satisfies FieldsOf<WorkspaceEntry>;

/** A project declaration (constructs/project.ts `ProjectOptions`, a project entry, meshform_workspace's project block). */
export const PROJECT_FIELDS = {
  identifier: identifier('project'),
  displayName,
  tags,
  deletion: {
    name: 'deletion',
    type: { kind: 'deletion' },
    description: 'Set to delete the project, with the reason recorded.',
    manifest: 'spec.deletion',
    provider: { attribute: 'deletion_reason' },
    imported: 'never',
  },
} as const satisfies FieldsOf<ProjectEntry>;

/** A declaration's fields by name: WORKSPACE_FIELDS or PROJECT_FIELDS. */
export type Fields = Readonly<Record<string, DeclarationField>>;

/**
 * A field's value in a declaration, or its default where the declaration leaves it out. `valueOf`
 * reads a field by name in whatever shape the declaration has (entry, manifest, attributes).
 */
export function valueOrDefault(field: DeclarationField, valueOf: (name: string) => unknown): unknown {
  const v = valueOf(field.name);
  if (v !== undefined || !field.default) return v;
  return 'value' in field.default ? field.default.value : valueOf(field.default.field);
}

/** The value at a field's manifest path (`spec.status`) of a manifest workspace or project. */
export function manifestValue(declaration: object, field: DeclarationField): unknown {
  let at: unknown = declaration;
  for (const key of field.manifest.split('.'))
    at =
      typeof at === 'object' && at !== null && Object.hasOwn(at, key)
        ? (at as Record<string, unknown>)[key]
        : undefined;
  return at;
}
