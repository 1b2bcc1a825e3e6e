/**
 * Every refusal the sandbox can answer (sandbox/domain/refusals.ts), held to the contract row that
 * shows it, or to the stated reason why no row can (checked by refusals.test.ts).
 */
import type { RefusalName } from '../../sandbox/domain/refusals';

export type Coverage = { readonly row: string } | { readonly reason: string };

export const SANDBOX_REFUSALS: Record<RefusalName, Coverage> = {
  'workspace-access': {
    reason:
      'a key without a role in the workspace: observe reads only the workspaces the key sees, so the plan never writes one it has no role in; test/sandbox/meshstack-behaviour.test.ts holds the 403',
  },
  'manage-rights': { row: 'k08' },
  'partner-only': { row: 'k20' },
  'workspace-unapproved': {
    reason:
      "the model refuses it as workspace-not-writable (pending-approval) from the status it reads, the rule row k34 holds for a disabled workspace; test/sandbox/workspaces.test.ts holds the 403 while the registration waits for a partner's approval",
  },
  'workspace-disabled': { row: 'k34' },
  'binding-name-taken': {
    reason:
      "binding names are meshform's own, derived from what they bind; the client reads a 409 back and tells a name taken by another binding from its own (http-client.ts compareExistingBinding, held by test/controller/client/http-client.test.ts)",
  },
  'role-held': { row: 'k53' },
  'workspace-role-unknown': { row: 'k54' },
  'owner-is-user': { row: 'k02' },
  'owner-assignment-rights': { row: 'k03' },
  'owner-limit': { row: 'k01' },
  'manager-assignment-restricted': { row: 'k45' },
  'project-missing': { row: 'k55' },
  'project-member-missing': { row: 'k35' },
  'project-role-unknown': { row: 'k38' },
  'group-missing': {
    reason:
      'a subject the platform does not have: the plan warns (unknown-subject is a warning, test/controller/plan/rules/subjects.test.ts) and the model refuses it where the users are known (test/core/model/model.test.ts)',
  },
  'user-missing': {
    reason:
      'a subject the platform does not have: the plan warns (unknown-subject is a warning, test/controller/plan/rules/subjects.test.ts) and the model refuses it where the users are known (test/core/model/model.test.ts)',
  },
  'expiry-past': { row: 'k17' },
  'expiry-beyond-recertification': { row: 'k15' },
  'owner-removal-rights': { row: 'k05' },
  'request-decided': { row: 'k58' },
  'self-approval': { row: 'k57' },
  'approval-rights': {
    reason:
      'a Member approving: the model refuses it as caller-rights, the rule row k08 holds; test/sandbox/four-eyes.test.ts ("a Member cannot approve") holds the 403',
  },
  'approved-already': { row: 'k59' },
  'requester-declines': {
    reason:
      'declining is done in meshPanel or with `meshform requests`; the model has no decline (the fake decides it itself), and test/sandbox/four-eyes.test.ts holds the sandbox',
  },
  'end-request-rights': {
    reason:
      'declining is done in meshPanel or with `meshform requests`; the model has no decline (the fake decides it itself), and test/sandbox/four-eyes.test.ts holds the sandbox',
  },
  'workspace-identifier-taken': { row: 'k37' },
  'deletion-rights': { row: 'k31' },
  'workspace-has-projects': { row: 'k32' },
  'quota-below-usage': { row: 'k18' },
  'project-identifier-taken': { row: 'k30' },
  'quota-reached': { row: 'k19' },
  'project-being-deleted': {
    reason:
      'the plan never updates a project whose deletion is pending: observe reads it among the deleting projects, and a declared one is refused as identifier-being-deleted (row k30)',
  },
  'tag-undefined': { row: 'k27' },
  'tag-value': { row: 'k26' },
  'tag-mandatory': { row: 'k28' },
  'tag-restricted': { row: 'k22' },
  'tag-immutable': { row: 'k25' },
  'tag-regex-invalid': { row: 'k44' },
  'tag-definition-exists': {
    reason: 'meshform writes a tag definition with PUT to its name (create or update), never a POST of one that exists',
  },
  'user-exists': { reason: 'meshform reads users, never writes them (ApiClient has no user write)' },
  'user-still-bound': { reason: 'meshform reads users, never writes them (ApiClient has no user write)' },
  'payment-method-exists': { reason: 'meshform does not manage payment methods (ApiClient has none)' },
  'project-role-exists': { reason: 'meshform reads the project roles, never writes them (ApiClient has no write)' },
  'project-role-name-taken': {
    reason: 'meshform reads the project roles, never writes them (ApiClient has no write)',
  },
  'event-log-rights': {
    reason:
      "meshform reads the event log per workspace (workspaceIdentifier, controller/client/event-log.ts), never every workspace's",
  },
  'user-list-rights': {
    reason:
      'users.seesEveryone() asks for the unfiltered user list and takes the 403 as its answer, no (http-client.ts); test/sandbox/users.test.ts holds the 403',
  },
  'first-login-rights': {
    reason: "a sandbox extension standing in for a person's first login, for tests; meshform never calls it",
  },
};
