/**
 * The workspaces a pull request's plan has to look at (`--changed-from <base manifest>`): those whose
 * desired state differs from the base (added, or changed in any field), and those with a declared
 * binding that ends before `now + horizon` (an expiry is due whether or not the code changed). A
 * change to what every workspace depends on (tag definitions, the role policy, the stack's name,
 * which is every workspace's owner) means all of them. Workspaces of the base that the code no
 * longer declares (deleted, or their identifier changed) are named: the plan says they leave it.
 */
import { canonicalJson } from '../../core/canonical-json';
import { parseExpiry } from '../../core/expiry';
import type { DesiredState, Workspace } from '../../schemas/desired-state.generated';

export interface ChangedWorkspaces {
  /** Workspaces to observe and plan, in manifest order. */
  readonly changed: readonly string[];
  /** Workspaces of the manifest left out: unchanged and nothing expiring. */
  readonly unchanged: readonly string[];
  /** Workspaces the base declares and the code no longer does. */
  readonly removed: readonly string[];
  /** Set when every workspace must be planned, and why. */
  readonly everything?: 'tag-definitions' | 'role-policy' | 'stack-name';
}

function expiresWithin(w: Workspace, until: number): boolean {
  const ends = [...w.bindings, ...w.projects.flatMap((p) => p.bindings)].flatMap((b) =>
    b.expiryDate ? [parseExpiry(b.expiryDate)?.endsAt.getTime() ?? 0] : [],
  );
  return ends.some((t) => t <= until);
}

export function changedWorkspaces(
  base: DesiredState,
  current: DesiredState,
  now: Date,
  horizonMs: number,
): ChangedWorkspaces {
  const all = current.workspaces.map((w) => w.metadata.name);
  const declared = new Set(all);
  const removed = base.workspaces.map((w) => w.metadata.name).filter((n) => !declared.has(n));
  const everything =
    base.metadata.name !== current.metadata.name
      ? 'stack-name'
      : canonicalJson(base.tagDefinitions) !== canonicalJson(current.tagDefinitions)
        ? 'tag-definitions'
        : canonicalJson(base.rolePolicy) !== canonicalJson(current.rolePolicy)
          ? 'role-policy'
          : undefined;
  if (everything) return { changed: all, unchanged: [], removed, everything };
  const before = new Map(base.workspaces.map((w) => [w.metadata.name, canonicalJson(w)]));
  const until = now.getTime() + horizonMs;
  const changed = current.workspaces
    .filter((w) => before.get(w.metadata.name) !== canonicalJson(w) || expiresWithin(w, until))
    .map((w) => w.metadata.name);
  return { changed, unchanged: all.filter((n) => !changed.includes(n)), removed };
}
