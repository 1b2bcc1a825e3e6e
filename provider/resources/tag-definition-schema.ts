/**
 * meshform_tag_definition's schema, apart from its operations: Terraform starts the provider for its
 * schema and its validation too, which need none of the planning code the operations load.
 */
import type { SchemaSpec } from '../protocol/schema';

export const VALUE_TYPES = ['string', 'email', 'integer', 'number', 'singleSelect', 'multiSelect'] as const;

export const TAG_DEFINITION_SCHEMA: SchemaSpec = {
  version: 0,
  block: {
    description: 'A meshStack tag definition: which tag keys workspaces or projects may carry, and their values.',
    attributes: {
      id: { type: 'string', computed: true, description: '<target_kind>.<key>, as meshStack names it.' },
      target_kind: { type: 'string', required: true, description: '"meshWorkspace" or "meshProject"; immutable.' },
      key: { type: 'string', required: true, description: 'Tag key; immutable.' },
      display_name: { type: 'string', required: true, description: 'Shown in meshPanel.' },
      description: { type: 'string', optional: true, description: 'Shown in meshPanel.' },
      value_type: { type: 'string', required: true, description: `One of ${VALUE_TYPES.join(', ')}.` },
      options: {
        type: ['list', 'string'],
        optional: true,
        description: 'The values to choose from (singleSelect, multiSelect).',
      },
      default_value: { type: 'string', optional: true, description: 'Default value (multiSelect: comma-separated).' },
      validation_regex: { type: 'string', optional: true, description: 'A pattern values must match (string, email).' },
      restricted: {
        type: 'bool',
        optional: true,
        computed: true,
        description: 'Only a partner may set the tag (default false).',
      },
      mandatory: {
        type: 'bool',
        optional: true,
        computed: true,
        description: 'Every object of target_kind must carry the tag (default false).',
      },
      immutable: {
        type: 'bool',
        optional: true,
        computed: true,
        description: 'The value can only be set at creation (default false).',
      },
      sort_order: { type: 'number', optional: true, description: 'Position among the tags in meshPanel.' },
      replication_key: {
        type: 'string',
        optional: true,
        description: 'Key under which the tag is replicated to cloud platforms.',
      },
    },
  },
};
