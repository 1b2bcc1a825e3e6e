import { Construct } from 'constructs';
import type {
  TagDefinition as TagDefinitionJson,
  TagValueType as TagValueTypeJson,
} from '../schemas/desired-state.generated';
import { Manifest } from './manifest';
import { addManifestValidation } from './private/validation';

/** The value type of a tag, as meshTagDefinition's `valueType` one-of. */
export class TagValueType {
  public static string(options: { defaultValue?: string; validationRegex?: string } = {}): TagValueType {
    return new TagValueType({ string: { ...options } });
  }
  public static email(options: { defaultValue?: string; validationRegex?: string } = {}): TagValueType {
    return new TagValueType({ email: { ...options } });
  }
  public static integer(options: { defaultValue?: number } = {}): TagValueType {
    return new TagValueType({ integer: { ...options } });
  }
  public static number(options: { defaultValue?: number } = {}): TagValueType {
    return new TagValueType({ number: { ...options } });
  }
  public static singleSelect(options: [string, ...string[]], defaultValue?: string): TagValueType {
    return new TagValueType({ singleSelect: defaultValue === undefined ? { options } : { options, defaultValue } });
  }
  public static multiSelect(options: [string, ...string[]], defaultValue?: string[]): TagValueType {
    return new TagValueType({ multiSelect: defaultValue === undefined ? { options } : { options, defaultValue } });
  }

  private constructor(public readonly json: TagValueTypeJson) {}
}

export interface TagDefinitionProps {
  /** Which kind of object carries the tag. */
  readonly targetKind: 'meshWorkspace' | 'meshProject';
  /** The tag key. */
  readonly key: string;
  /**
   * Label shown in meshPanel.
   * @default - the key
   */
  readonly displayName?: string;
  /**
   * Help text shown in meshPanel.
   * @default - no description
   */
  readonly description?: string;
  /**
   * Allowed values.
   * @default TagValueType.string()
   */
  readonly valueType?: TagValueType;
  /**
   * Only a partner/admin may set the tag.
   * @default false
   */
  readonly restricted?: boolean;
  /**
   * Every object of `targetKind` must carry the tag.
   * @default false
   */
  readonly mandatory?: boolean;
  /**
   * The value can only be set when the object is created.
   * @default false
   */
  readonly immutable?: boolean;
}

/**
 * A meshTagDefinition: which tag keys exist on workspaces or projects, their values, and whether only
 * a partner may set them (restricted). Once a stack declares any, every tag is checked at synth.
 */
export class TagDefinition extends Construct {
  public readonly definitionName: string;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: TagDefinitionProps,
  ) {
    super(scope, id);
    this.definitionName = `${props.targetKind}.${props.key}`;
    Manifest.of(this)._registerTagDefinition(this);
    addManifestValidation(this);
  }

  /** @internal */
  public _render(): TagDefinitionJson {
    const p = this.props;
    return {
      metadata: { name: this.definitionName },
      spec: {
        targetKind: p.targetKind,
        key: p.key,
        displayName: p.displayName ?? p.key,
        ...(p.description !== undefined ? { description: p.description } : {}),
        valueType: (p.valueType ?? TagValueType.string()).json,
        restricted: p.restricted ?? false,
        mandatory: p.mandatory ?? false,
        immutable: p.immutable ?? false,
      },
    };
  }
}
