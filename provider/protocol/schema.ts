/**
 * A provider's schemas, declared once: the protocol's `Schema` message (what `terraform providers
 * schema` shows) and the object type its values have on the wire are both derived from it.
 */
import { type CtyType, typeJson } from './values';

export interface AttributeSpec {
  readonly type: CtyType;
  readonly description: string;
  /** Exactly one of required, optional, computed (optional and computed may go together). */
  readonly required?: boolean;
  readonly optional?: boolean;
  readonly computed?: boolean;
  readonly sensitive?: boolean;
}

export interface NestedBlockSpec {
  readonly nesting: 'list' | 'set';
  readonly block: BlockSpec;
}

export interface BlockSpec {
  readonly description?: string;
  readonly attributes: Readonly<Record<string, AttributeSpec>>;
  readonly blocks?: Readonly<Record<string, NestedBlockSpec>>;
}

export interface SchemaSpec {
  readonly version: number;
  readonly block: BlockSpec;
}

/** The object type of a block's values: its attributes, and each nested block as a list or set of objects. */
export function impliedType(block: BlockSpec): CtyType {
  const out: Record<string, CtyType> = {};
  for (const [name, a] of Object.entries(block.attributes)) out[name] = a.type;
  for (const [name, b] of Object.entries(block.blocks ?? {})) out[name] = [b.nesting, impliedType(b.block)];
  return ['object', out];
}

const NESTING = { list: 2, set: 3 } as const;

/** The protocol's Schema.Block message (attributes and blocks sorted by name, as Terraform prints them). */
function protoBlock(block: BlockSpec): object {
  return {
    version: 0,
    description: block.description ?? '',
    description_kind: 1,
    attributes: Object.entries(block.attributes)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, a]) => ({
        name,
        type: typeJson(a.type),
        description: a.description,
        description_kind: 1,
        required: a.required === true,
        optional: a.optional === true,
        computed: a.computed === true,
        sensitive: a.sensitive === true,
      })),
    block_types: Object.entries(block.blocks ?? {})
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, b]) => ({
        type_name: name,
        block: protoBlock(b.block),
        nesting: NESTING[b.nesting],
        min_items: 0,
        max_items: 0,
      })),
  };
}

export function protoSchema(spec: SchemaSpec): object {
  return { version: spec.version, block: protoBlock(spec.block) };
}
