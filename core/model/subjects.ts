/** One way to name a subject as a key (`User:alice`, `Group:devs`): sets and maps of subjects use it. */
export type SubjectKind = 'User' | 'Group';

export function subjectKey(kind: SubjectKind, name: string): string {
  return `${kind}:${name}`;
}

/** The key of a binding's, a request's or a step's subject. */
export const keyOf = (s: { readonly subjectKind: SubjectKind; readonly subject: string }): string =>
  subjectKey(s.subjectKind, s.subject);
