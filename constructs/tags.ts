import type { IConstruct } from 'constructs';
import { Aspects, type IAspect } from './cdktf';
import { isTaggable, type ITaggable } from './private/tag-manager';

export interface TagProps {
  /**
   * Higher priority wins when several tag operations touch the same key; tags given directly in a
   * Workspace's or Project's props have priority 200.
   * @default 100
   */
  readonly priority?: number;
  /**
   * Only tag these kinds (`meshWorkspace`, `meshProject`).
   * @default - every taggable kind
   */
  readonly includeResourceTypes?: ReadonlyArray<'meshWorkspace' | 'meshProject'>;
  /**
   * Never tag these kinds.
   * @default - no kind is excluded
   */
  readonly excludeResourceTypes?: ReadonlyArray<'meshWorkspace' | 'meshProject'>;
}

const DEFAULT_PRIORITY = 100;

abstract class TagAspectBase implements IAspect {
  constructor(
    protected readonly key: string,
    private readonly props: TagProps,
  ) {}

  public visit(node: IConstruct): void {
    if (!isTaggable(node)) return;
    const { includeResourceTypes: inc, excludeResourceTypes: exc } = this.props;
    if (inc && !inc.includes(node.tagTargetKind)) return;
    if (exc && exc.includes(node.tagTargetKind)) return;
    this.apply(node, this.props.priority ?? DEFAULT_PRIORITY);
  }

  protected abstract apply(node: ITaggable, priority: number): void;
}

/** Sets a tag on every workspace and project below a scope. */
export class Tag extends TagAspectBase {
  constructor(
    key: string,
    private readonly values: string | string[],
    props: TagProps = {},
  ) {
    super(key, props);
  }
  protected apply(node: ITaggable, priority: number): void {
    node.tags.setTag(this.key, this.values, priority);
  }
}

/** Removes a tag from every workspace and project below a scope. */
export class RemoveTag extends TagAspectBase {
  protected apply(node: ITaggable, priority: number): void {
    node.tags.removeTag(this.key, priority);
  }
}

/** `Tags.of(scope).add('costCenter', '4058')`: tags as an aspect, as in aws-cdk. */
export class Tags {
  public static of(scope: IConstruct): Tags {
    return new Tags(scope);
  }

  private constructor(private readonly scope: IConstruct) {}

  /** Adds (or overrides, by priority) a tag on every taggable construct below the scope. meshStack tags are lists. */
  public add(key: string, value: string | string[], props: TagProps = {}): void {
    Aspects.of(this.scope).add(new Tag(key, value, props));
  }

  /** Removes a tag from every taggable construct below the scope. */
  public remove(key: string, props: TagProps = {}): void {
    Aspects.of(this.scope).add(new RemoveTag(key, props));
  }
}
