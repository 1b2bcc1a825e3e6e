/**
 * The attributes of meshform's Terraform resources (terraform-provider-meshform's schema), from the
 * manifest's JSON: synth writes them into cdk.tf.json for the provider's anchor kind, and the
 * provider reads tag definitions back the same way. Unset attributes are null. A workspace's and a
 * project's fields are the declaration table's (./declaration.ts).
 */
import {
  type FieldType,
  type Fields,
  PROJECT_FIELDS,
  WORKSPACE_FIELDS,
  manifestValue,
  valueOrDefault,
} from './declaration';
import type {
  Deletion,
  Subject,
  TagDefinition,
  Workspace,
  WorkspaceBinding,
  ProjectBinding,
} from '../schemas/desired-state.generated';

/** The provider's address: registry.terraform.io/meshcloud/meshform (OpenTofu: registry.opentofu.org/…). */
export const PROVIDER_SOURCE = 'meshcloud/meshform';
/** The registries whose address of the provider Terraform and OpenTofu use. */
export const REGISTRY_HOSTS = ['registry.terraform.io', 'registry.opentofu.org'];

type Attrs = Record<string, unknown>;

function subjectAttributes(s: Subject): Attrs {
  if (s.kind === 'Group') return { user: null, group: s.name, invite: null };
  if (s.invitation)
    return {
      user: null,
      group: null,
      invite: { first_name: s.invitation.firstName, last_name: s.invitation.lastName, email: s.invitation.email },
    };
  return { user: s.name, group: null, invite: null };
}

const bindingAttributes = (b: WorkspaceBinding | ProjectBinding): Attrs => ({
  role: b.roleRef.name,
  ...subjectAttributes(b.subject),
  expiry_date: b.expiryDate ?? null,
  reason: b.reason ?? null,
});
const tagsAttribute = (tags: Record<string, string | string[]>) =>
  Object.keys(tags).length
    ? Object.fromEntries(Object.entries(tags).map(([k, v]) => [k, Array.isArray(v) ? v : [v]]))
    : null;

/** A declaration field's value as its attribute says it (unset: null). */
export function attributeValue(type: FieldType, v: unknown): unknown {
  if (v === undefined) return null;
  switch (type.kind) {
    case 'tags':
      return tagsAttribute(v as Record<string, string | string[]>);
    case 'flag':
      return v === true ? true : null;
    case 'deletion':
      return (v as Deletion).reason;
    default:
      return v;
  }
}

/** The attributes of a declaration's fields, each read by `valueOf` (by field name) or defaulted. */
export function declaredAttributes(fields: Fields, valueOf: (name: string) => unknown): Attrs {
  return Object.fromEntries(
    Object.values(fields).map((f) => [f.provider.attribute, attributeValue(f.type, valueOrDefault(f, valueOf))]),
  );
}

/** A manifest workspace's or project's fields, by name. */
const manifestFields =
  (fields: Fields, declaration: object) =>
  (name: string): unknown =>
    manifestValue(declaration, fields[name]);

/** A meshform_workspace's configuration, from an owned workspace of the manifest. */
export function workspaceAttributes(w: Workspace): Attrs {
  return {
    ...declaredAttributes(WORKSPACE_FIELDS, manifestFields(WORKSPACE_FIELDS, w)),
    binding: w.bindings.map(bindingAttributes),
    project: w.projects.map((p) => ({
      ...declaredAttributes(PROJECT_FIELDS, manifestFields(PROJECT_FIELDS, p)),
      binding: p.bindings.map(bindingAttributes),
    })),
  };
}

/** A meshform_tag_definition's attributes: the value type flattened into value_type, options, default_value and validation_regex. */
export function tagDefinitionAttributes(d: TagDefinition): Attrs {
  const [type, settings] = Object.entries(d.spec.valueType)[0] as [
    string,
    { defaultValue?: string | number | string[]; validationRegex?: string; options?: string[] },
  ];
  const dflt = settings.defaultValue;
  return {
    target_kind: d.spec.targetKind,
    key: d.spec.key,
    display_name: d.spec.displayName,
    description: d.spec.description ?? null,
    value_type: type,
    options: settings.options ?? null,
    default_value: dflt === undefined ? null : Array.isArray(dflt) ? dflt.join(',') : String(dflt),
    validation_regex: settings.validationRegex ?? null,
    restricted: d.spec.restricted,
    mandatory: d.spec.mandatory,
    immutable: d.spec.immutable,
    sort_order: d.spec.sortOrder ?? null,
    replication_key: d.spec.replicationKey ?? null,
  };
}
