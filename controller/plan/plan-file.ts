/** Saved plans: written canonically, read back through the plan schema. */
import * as fs from 'fs';
import { canonicalJson } from '../../core/canonical-json';
import { InvalidFileError } from '../../core/errors';
import { validateAgainst } from '../../core/json-schema';
import { parseJsonFile } from '../../core/manifest-file';
import type { Plan } from '../../schemas/plan.generated';

export const PLAN_SCHEMA = 'plan.schema.json';

export function savePlan(file: string, plan: Plan): void {
  const partial = `${file}.partial`;
  fs.writeFileSync(partial, canonicalJson(plan));
  fs.renameSync(partial, file);
}

export function loadPlan(file: string): Plan {
  const data = parseJsonFile(file, 'plan', 'Make one with `meshform plan --out <file>`.');
  const problems = validateAgainst(PLAN_SCHEMA, data);
  if (problems.length) throw new InvalidFileError(file, 'meshform plan', problems);
  return data as Plan;
}
