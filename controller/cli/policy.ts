import * as path from 'path';
import { isMeshformError } from '../../core/errors';
import { printableLines } from '../../core/printable';
import { runPolicyTests, testFileOf } from '../../core/policy/policy-test';
import type { CliContext } from './context';

/** `meshform policy test`'s own exit codes, as `opa test` has them for CI: a failing case is not a broken file. */
const PolicyTestExit = { PASSED: 0, FAILED: 1, BAD_FILE: 2 } as const;

export async function policyTestCommand(ctx: CliContext, setExit: (code: number) => void, file: string): Promise<void> {
  const resolved = path.resolve(ctx.cwd, file);
  let results: ReturnType<typeof runPolicyTests>;
  try {
    results = runPolicyTests(resolved);
  } catch (err) {
    if (!isMeshformError(err)) throw err;
    ctx.stderr(`Error: ${printableLines(err.message)}\n`);
    return setExit(PolicyTestExit.BAD_FILE);
  }
  for (const r of results)
    ctx.stdout(`${r.passed ? 'PASS' : 'FAIL'} ${r.policy}: ${r.name}${r.passed ? '' : ` (got ${r.got})`}\n`);
  const failed = results.filter((r) => !r.passed).length;
  ctx.stdout(
    `${results.length - failed} of ${results.length} cases passed (${path.relative(ctx.cwd, testFileOf(resolved))}).\n`,
  );
  setExit(failed ? PolicyTestExit.FAILED : PolicyTestExit.PASSED);
}
