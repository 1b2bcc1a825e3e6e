/**
 * Saved plans: written canonically with a checksum, read back through the plan schema and the
 * checksum, so a plan changed or damaged after `meshform plan` wrote it is refused, not applied.
 */
import * as fs from 'fs';
import { canonicalJson, sha256Hex } from '../../core/canonical-json';
import { InvalidFileError } from '../../core/errors';
import { validateAgainst } from '../../core/json-schema';
import { parseJsonFile } from '../../core/manifest-file';
import type { Plan } from '../../schemas/plan.generated';

const PLAN_SCHEMA = 'plan.schema.json';

function checksumOf(plan: Plan): string {
  const { checksum: _ignored, ...content } = plan;
  return `sha256:${sha256Hex(content)}`;
}

export function savePlan(file: string, plan: Plan): void {
  const partial = `${file}.partial`;
  fs.writeFileSync(partial, canonicalJson({ ...plan, checksum: checksumOf(plan) }));
  fs.renameSync(partial, file);
}

export function loadPlan(file: string): Plan {
  const data = parseJsonFile(file, 'plan', 'Make one with `meshform plan --out <file>`.');
  const problems = validateAgainst(PLAN_SCHEMA, data);
  if (problems.length) throw new InvalidFileError(file, 'meshform plan', problems);
  const plan = data as Plan;
  if (plan.checksum === undefined) {
    throw new InvalidFileError(file, 'meshform plan', [
      {
        path: '$.checksum',
        rule: 'checksum',
        message: 'the plan has no checksum: save plans with `meshform plan --out <file>`',
      },
    ]);
  }
  if (plan.checksum !== checksumOf(plan)) {
    throw new InvalidFileError(file, 'meshform plan', [
      {
        path: '$.checksum',
        rule: 'checksum',
        message: 'the plan was changed or damaged after `meshform plan` wrote it; make a new plan',
      },
    ]);
  }
  return plan;
}
