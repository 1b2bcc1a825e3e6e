/**
 * `import --check`'s policy findings: the estate as import would write it (the live platform, so
 * what the platform does not keep, such as a grant's reason, is absent), judged by the same
 * policies as the code's plan (the organisation's file and the code's own), with the live object
 * and no step: the code import writes plans no change. The findings are the plan's (rule, message).
 */
import { desiredStateOfEntries } from '../../constructs/private/entries-state';
import type { PolicySource } from '../../core/policy/policy-file';
import type { Finding } from '../../schemas/plan.generated';
import type { LiveState } from '../observe/live-state';
import { policyFindings } from '../plan/policies';
import type { ImportedEstate } from './model';

export function estatePolicyFindings(
  estate: ImportedEstate,
  live: LiveState,
  stack: string,
  sources: readonly PolicySource[],
  now: Date,
): { refusals: Finding[]; warnings: Finding[] } {
  const desired = desiredStateOfEntries(
    stack,
    estate.recertification ?? {},
    estate.workspaces.map((w) => w.entry),
    estate.tagDefinitions,
  );
  return policyFindings(desired, live, sources, now);
}
