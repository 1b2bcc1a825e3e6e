/**
 * The attributes of meshform's Terraform resources (terraform-provider-meshform's schema), from the
 * manifest's JSON: synth writes them into cdk.tf.json for the provider's anchor kind, and the
 * provider reads tag definitions back the same way. Unset attributes are null.
 */
import type {
  Subject,
  TagDefinition,
  Workspace,
  WorkspaceBinding,
  ProjectBinding,
} from '../schemas/desired-state.generated';

/** The provider's address: registry.terraform.io/meshcloud/meshform (OpenTofu: registry.opentofu.org/…). */
export const PROVIDER_SOURCE = 'meshcloud/meshform';

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
const tagsAttribute = (tags: Record<string, string[]>) => (Object.keys(tags).length ? tags : null);

/** A meshform_workspace's configuration, from an owned workspace of the manifest. */
export function workspaceAttributes(w: Workspace): Attrs {
  return {
    identifier: w.metadata.name,
    display_name: w.spec.displayName ?? w.metadata.name,
    tags: tagsAttribute(w.metadata.tags),
    status: w.spec.status ?? null,
    project_quota: w.spec.projectQuota ?? null,
    binding_management: w.spec.bindingManagement,
    adopt: w.spec.adopt ? true : null,
    deletion_reason: w.spec.deletion?.reason ?? null,
    binding: w.bindings.map(bindingAttributes),
    project: w.projects.map((p) => ({
      identifier: p.metadata.name,
      display_name: p.spec.displayName,
      tags: tagsAttribute(p.metadata.tags),
      deletion_reason: p.spec.deletion?.reason ?? null,
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
