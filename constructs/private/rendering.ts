import type { IConstruct } from 'constructs';
import type { Subject } from '../../schemas/desired-state.generated';
import type { ISubject } from '../subject';

/** Records which construct produced the manifest element at a JSON path, so findings can name it. */
export type Locate = (jsonPath: string, source: IConstruct) => void;

export function renderSubject(s: ISubject): Subject {
  return s.invitation
    ? { kind: s.kind, name: s.name, invitation: { ...s.invitation } }
    : { kind: s.kind, name: s.name };
}

export function renderExpiry(expiry: string | Date | undefined): string | undefined {
  return expiry instanceof Date ? expiry.toISOString() : expiry;
}

/** Sorts by a string key and renders each item at its final index. */
export function renderSorted<T, J>(
  items: readonly T[],
  key: (t: T) => string,
  render: (t: T, index: number) => J,
): J[] {
  return [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0)).map(render);
}

export function normalizeTagValues(tags: Record<string, string | string[]> | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(tags ?? {})) out[k] = Array.isArray(v) ? [...v] : [v];
  return out;
}
