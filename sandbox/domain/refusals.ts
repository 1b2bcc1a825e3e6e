/**
 * Every refusal the sandbox answers to a request it could read, by name and HTTP status: the
 * platform's rules (the seed pages, meshStack's API) and those of its own extensions. A request it
 * cannot read (malformed body, a field of the wrong type, bad paging) gets a plain 400, and a path
 * or object that does not exist a 404, from ../problem. test/contract/refusals.test.ts holds each
 * name to a contract row or a stated reason: a refusal added here without either turns it red.
 */
import { HttpProblem } from '../problem';

export const REFUSALS = {
  // Who may do what in a workspace (seeds: the role table; Disabling Workspaces; Approve new Workspaces).
  'workspace-access': 403,
  'manage-rights': 403,
  'partner-only': 403,
  'workspace-unapproved': 403,
  'workspace-disabled': 403,
  // Grants (seeds: meshWorkspaces' roles and Owners; Roles Recertification; Guide: Emergency Users).
  'binding-name-taken': 409,
  'role-held': 409,
  'workspace-role-unknown': 400,
  'owner-is-user': 400,
  'owner-assignment-rights': 403,
  'owner-limit': 409,
  'manager-assignment-restricted': 403,
  'project-missing': 404,
  'project-member-missing': 400,
  'project-role-unknown': 400,
  'group-missing': 400,
  'user-missing': 400,
  'expiry-past': 400,
  'expiry-beyond-recertification': 400,
  'owner-removal-rights': 403,
  // 4-eyes role requests (the sandbox's extension: meshStack's API has none).
  'request-decided': 409,
  'self-approval': 403,
  'approval-rights': 403,
  'approved-already': 403,
  'requester-declines': 400,
  'end-request-rights': 403,
  // Workspaces and projects (seeds: immutable identifiers, Workspace Deletion, Set Workspace Quotas).
  'workspace-identifier-taken': 409,
  'deletion-rights': 403,
  'workspace-has-projects': 409,
  'quota-below-usage': 400,
  'project-identifier-taken': 409,
  'quota-reached': 400,
  'project-being-deleted': 409,
  // Tags and their definitions (meshStack's tag documentation).
  'tag-undefined': 400,
  'tag-value': 400,
  'tag-mandatory': 400,
  'tag-restricted': 403,
  'tag-immutable': 400,
  'tag-regex-invalid': 400,
  'tag-definition-exists': 409,
  // Objects meshform reads but never writes.
  'user-exists': 409,
  'user-still-bound': 409,
  'payment-method-exists': 409,
  'project-role-exists': 409,
  'project-role-name-taken': 409,
  // Reads that need rights of their own.
  'event-log-rights': 403,
  'user-list-rights': 403,
  'first-login-rights': 403,
} as const;

export type RefusalName = keyof typeof REFUSALS;

export const refuse = (name: RefusalName, message: string): HttpProblem => new HttpProblem(REFUSALS[name], message);
