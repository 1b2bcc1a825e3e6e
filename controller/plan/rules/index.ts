/**
 * The plan's rules, each a small named function of one workspace's plan (see ./context). A rule
 * returns findings of the catalogue (core/rules); the planner refuses the plan on any refusal. The
 * platform's own rules are not here: the dry run (../simulate) reads them off the platform model.
 */
import { type WorkspaceRule } from './context';
import { foreignBindings, ownershipTagRemoved } from './coexistence';
import { fewerApprovers, selfLockout } from './caller';
import { expiringSoon, recertificationAssigned, recertificationUnknown } from './expiry';
import { lastOwner } from './owners';
import { ownership } from './ownership';
import { unknownSubjects } from './subjects';
import { invitationsUnsupported, reasonsNotRecorded } from './unsupported';
import { identifierChange, projectsVisible, referencedExists } from './projects';

export type { RuleContext, WorkspaceRule } from './context';

/** In the order their findings are reported. */
export const WORKSPACE_RULES: ReadonlyArray<readonly [string, WorkspaceRule]> = [
  ['ownership', ownership],
  ['ownershipTagRemoved', ownershipTagRemoved],
  ['referencedExists', referencedExists],
  ['projectsVisible', projectsVisible],
  ['lastOwner', lastOwner],
  ['selfLockout', selfLockout],
  ['fewerApprovers', fewerApprovers],
  ['identifierChange', identifierChange],
  ['unknownSubjects', unknownSubjects],
  ['invitationsUnsupported', invitationsUnsupported],
  ['recertificationUnknown', recertificationUnknown],
  ['recertificationAssigned', recertificationAssigned],
  ['expiringSoon', expiringSoon],
  ['reasonsNotRecorded', reasonsNotRecorded],
  ['foreignBindings', foreignBindings],
];
