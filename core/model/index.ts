/**
 * The platform model: meshStack's data for one workspace and its pure transitions. Every meshStack
 * rule of the seeds that the client side decides is a check inside a transition here; the plan runs
 * its steps through it (controller/plan/simulate.ts) and the in-memory fake answers with it.
 */
export * from './state';
export * from './subjects';
export { approvers, directApprovers, isMember, membersOf, ownerCount, rolesOf, unreadGroups } from './membership';
export type { Change, Outcome, Refusal, Transition } from './outcome';
export { writeRefusal } from './access';
export * from './grant';
export * from './remove';
export { deleteProject, deleteWorkspace } from './deletion';
export * from './update';
export { setQuota } from './quota';
export { tagDefinitionRefusal } from './tags';
export { visibleProjects } from './visibility';
