/**
 * `meshform policy test`: runs each policy of a file against the example objects written next to it
 * (`<name>.test.yaml` beside `<name>.yaml`), each case expecting allow or deny, as `opa test` does.
 */
import * as fs from 'fs';
import { parse as parseYaml } from 'yaml';
import { UsageError } from '../errors';
import { parseExpiry } from '../expiry';
import { celValue, evaluatePolicy } from './evaluate';
import { PolicyError, compilePolicy } from './policy';
import { readPolicyDocument } from './policy-file';

export interface PolicyTestCase {
  readonly name: string;
  readonly policy: string;
  /** RFC 3339: the plan's "now". */
  readonly now: string;
  readonly expect: 'allow' | 'deny';
  readonly object: Record<string, unknown>;
  readonly oldObject?: Record<string, unknown> | null;
  readonly step?: Record<string, unknown> | null;
  readonly caller?: Record<string, unknown> | null;
  readonly workspace?: Record<string, unknown> | null;
  readonly project?: Record<string, unknown> | null;
}

export interface PolicyTestResult {
  readonly name: string;
  readonly policy: string;
  readonly passed: boolean;
  /** What the policy said: allow, deny with its message, or the error it failed with. */
  readonly got: string;
}

/** The test file beside a policy file: `org.yaml` → `org.test.yaml`. */
export function testFileOf(policyFile: string): string {
  return policyFile.replace(/(\.ya?ml)?$/, (ext) => `.test${ext || '.yaml'}`);
}

/** A binding's `expiry` as the plan derives it from its expiryDate (docs/policies.md). */
function withExpiry(o: Record<string, unknown> | null | undefined): unknown {
  if (!o || typeof o.expiryDate !== 'string') return o ?? null;
  const parsed = parseExpiry(o.expiryDate);
  return { ...o, expiry: parsed?.endsAt };
}

function readCases(file: string): PolicyTestCase[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new UsageError(
      `no test cases: ${file} not found (write the examples next to the policy file)`,
      'file-not-found',
    );
  }
  const data = parseYaml(text) as { cases?: PolicyTestCase[] } | null;
  if (!data || !Array.isArray(data.cases) || !data.cases.length)
    throw new PolicyError(`${file}: expected a list of cases under "cases"`);
  for (const [i, c] of data.cases.entries()) {
    if (typeof c.name !== 'string' || typeof c.policy !== 'string' || !c.object || typeof c.object !== 'object')
      throw new PolicyError(`${file}: cases[${i}] needs a name, a policy and an object`);
    if (c.expect !== 'allow' && c.expect !== 'deny')
      throw new PolicyError(`${file}: cases[${i}] ("${c.name}"): expect must be allow or deny`);
    if (typeof c.now !== 'string' || Number.isNaN(Date.parse(c.now)))
      throw new PolicyError(`${file}: cases[${i}] ("${c.name}"): now must be an RFC 3339 date-time`);
  }
  return data.cases;
}

/** Runs every case; a bad policy or test file throws (exit 2), a case that fails is a result (exit 1). */
export function runPolicyTests(policyFile: string): PolicyTestResult[] {
  const policies = new Map(readPolicyDocument(policyFile).specs.map((s) => [s.name, compilePolicy(s)]));
  const testFile = testFileOf(policyFile);
  return readCases(testFile).map((c) => {
    const policy = policies.get(c.policy);
    if (!policy)
      throw new PolicyError(
        `${testFile}: case "${c.name}" names policy "${c.policy}", which ${policyFile} does not declare`,
      );
    const verdict = evaluatePolicy(policy, {
      object: celValue(withExpiry(c.object)),
      oldObject: celValue(withExpiry(c.oldObject)),
      step: celValue(c.step ?? null),
      caller: celValue(c.caller ?? null),
      workspace: celValue(c.workspace ?? null),
      project: celValue(c.project ?? null),
      now: celValue(new Date(c.now)),
    });
    // A run-time error refuses in a plan, so it counts as deny here too, with the error shown.
    const denied = verdict.outcome === 'deny' || verdict.outcome === 'error';
    const got = 'message' in verdict ? `${verdict.outcome}: ${verdict.message}` : 'allow';
    return { name: c.name, policy: c.policy, passed: denied === (c.expect === 'deny'), got };
  });
}
