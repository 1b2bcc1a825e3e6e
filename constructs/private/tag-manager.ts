import type { Tags } from '../../schemas/desired-state.generated';

/** Priority of tags given directly in a construct's props: they win over inherited `Tags.of()` tags. */
export const PROPS_TAG_PRIORITY = 200;

interface Entry {
  readonly values?: string[];
  readonly priority: number;
}

/**
 * Tags of one taggable construct. Like aws-cdk's TagManager: a set or remove only takes effect when
 * its priority is at least that of the current entry, so a nearer `Tags.of()` can override a farther
 * one by priority, and repeated aspect runs give the same result.
 */
export class TagManager {
  private readonly entries = new Map<string, Entry>();

  public setTag(key: string, values: string | string[], priority: number): void {
    if (this.canWrite(key, priority))
      this.entries.set(key, { values: Array.isArray(values) ? [...values] : [values], priority });
  }

  public removeTag(key: string, priority: number): void {
    if (this.canWrite(key, priority)) this.entries.set(key, { priority });
  }

  /**
   * Tags in meshStack form, keys sorted. A removed tag renders as `[]`: meshform compares only the
   * keys the code declares, and `[]` declares the key absent, so removing a tag in code removes it
   * from the platform.
   */
  public render(): Tags {
    const out: Tags = {};
    for (const key of [...this.entries.keys()].sort()) out[key] = this.entries.get(key)!.values ?? [];
    return out;
  }

  private canWrite(key: string, priority: number): boolean {
    const current = this.entries.get(key);
    return current === undefined || priority >= current.priority;
  }
}

/** A construct that `Tags.of()` can tag. */
export interface ITaggable {
  readonly tags: TagManager;
  readonly tagTargetKind: 'meshWorkspace' | 'meshProject';
}

export function isTaggable(x: unknown): x is ITaggable {
  return (
    typeof x === 'object' &&
    x !== null &&
    (x as ITaggable).tags instanceof TagManager &&
    typeof (x as ITaggable).tagTargetKind === 'string'
  );
}
