/**
 * The plan's rules, each a small named function of one workspace's plan (see ./context). A rule
 * returns findings of the catalogue (core/rules); the planner refuses the plan on any refusal.
 */
import { type WorkspaceRule } from './context';
import { immutableTags, liveTagDefinitions, partnerOnlySettings, quotaUsage, restrictedTags } from './attributes';
import { callerRights, deletionRights, fewerApprovers, selfLockout, workspaceWritable } from './caller';
import { expiringSoon, expiryWithinRecertification, recertificationAssigned, recertificationUnknown } from './expiry';
import { lastOwner, ownerGrantRights, ownerLimit, ownerRemovalRights } from './owners';
import { ownership } from './ownership';
import { unknownSubjects } from './subjects';
import {
  identifierBeingDeleted,
  identifierChange,
  identifierDeleted,
  projectMembers,
  projectRoleExists,
  referencedExists,
  workspaceKeepsProjects,
} from './projects';

export type { RuleContext, WorkspaceRule } from './context';

/** In the order their findings are reported. */
export const WORKSPACE_RULES: ReadonlyArray<readonly [string, WorkspaceRule]> = [
  ['ownership', ownership],
  ['referencedExists', referencedExists],
  ['workspaceWritable', workspaceWritable],
  ['callerRights', callerRights],
  ['ownerLimit', ownerLimit],
  ['lastOwner', lastOwner],
  ['ownerGrantRights', ownerGrantRights],
  ['ownerRemovalRights', ownerRemovalRights],
  ['selfLockout', selfLockout],
  ['fewerApprovers', fewerApprovers],
  ['deletionRights', deletionRights],
  ['workspaceKeepsProjects', workspaceKeepsProjects],
  ['identifierChange', identifierChange],
  ['identifierDeleted', identifierDeleted],
  ['identifierBeingDeleted', identifierBeingDeleted],
  ['projectRoleExists', projectRoleExists],
  ['unknownSubjects', unknownSubjects],
  ['projectMembers', projectMembers],
  ['restrictedTags', restrictedTags],
  ['immutableTags', immutableTags],
  ['liveTagDefinitions', liveTagDefinitions],
  ['partnerOnlySettings', partnerOnlySettings],
  ['quotaUsage', quotaUsage],
  ['expiryWithinRecertification', expiryWithinRecertification],
  ['recertificationUnknown', recertificationUnknown],
  ['recertificationAssigned', recertificationAssigned],
  ['expiringSoon', expiringSoon],
];
