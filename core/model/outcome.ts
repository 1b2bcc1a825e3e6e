/** What a transition returns: the new state, how the platform answers (its approval class), and what changed. */
import type { RuleId, RuleParams } from '../rules/catalogue';
import type { Known, ModelBinding, ModelRequest, WorkspaceModel } from './state';

/** A refusal: the catalogue rule, the HTTP status meshStack answers it with, and the rule's parameters. */
export interface Refusal<R extends RuleId = RuleId> {
  readonly rule: R;
  readonly status: number;
  readonly params: RuleParams<R>;
}

export type Outcome =
  | { readonly class: 'applied' }
  /** A 4-eyes request was filed: who else may approve it (a partner always may); UNKNOWN where a managing group was not read. */
  | {
      readonly class: 'needs-approval';
      readonly approvers: Known<readonly string[]>;
      readonly request: ModelRequest;
    }
  /** It cannot happen yet, and will once these have gone (a workspace waits for its projects' deletion). */
  | { readonly class: 'waits'; readonly for: readonly string[] }
  | { readonly class: 'refused'; readonly refusal: Refusal };

export type Change =
  | { readonly kind: 'binding-added'; readonly binding: ModelBinding }
  | {
      readonly kind: 'binding-removed';
      readonly binding: ModelBinding;
      readonly reason: 'removed' | 'expired' | 'removed from workspace' | 'project deleted';
    }
  | { readonly kind: 'request-filed'; readonly request: ModelRequest }
  | { readonly kind: 'request-decided'; readonly request: ModelRequest; readonly status: 'APPROVED' | 'PENDING' }
  | { readonly kind: 'project-deleting'; readonly project: string }
  | { readonly kind: 'workspace-deleted' };

export interface Transition {
  readonly state: WorkspaceModel;
  readonly outcome: Outcome;
  readonly changes: readonly Change[];
  /** Facts the decision depended on that the model does not know (then it decided conservatively). */
  readonly unknowns: readonly string[];
}

export function refusal<R extends RuleId>(rule: R, status: number, params: RuleParams<R>): Refusal {
  return { rule, status, params };
}

export function refused<R extends RuleId>(
  state: WorkspaceModel,
  rule: R,
  status: number,
  params: RuleParams<R>,
  unknowns: readonly string[] = [],
): Transition {
  return { state, outcome: { class: 'refused', refusal: { rule, status, params } }, changes: [], unknowns };
}

/** The transition that refuses with `r`, the state unchanged. */
export const refusedBy = (state: WorkspaceModel, r: Refusal): Transition => ({
  state,
  outcome: { class: 'refused', refusal: r },
  changes: [],
  unknowns: [],
});

/** The transition to `state`, applied at once, with nothing of the model's bookkeeping changed. */
export const appliedAs = (state: WorkspaceModel): Transition => ({
  state,
  outcome: { class: 'applied' },
  changes: [],
  unknowns: [],
});
