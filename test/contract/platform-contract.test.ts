/**
 * The platform contract: every row of ./rows runs three ways. The sandbox over HTTP is the reference;
 * the in-memory fake must answer every change as the sandbox does; plan() on the same observed state
 * must refuse what the platform refuses (with the row's rule), or plan exactly what it accepts
 * (applying the plan succeeds, or waits for approval where the platform's answer does). A missing
 * copy of a rule anywhere turns a row red.
 */
import { RULES, type RuleId } from '../../core/rules';
import {
  type ContractPlatform,
  type Row,
  directVerdict,
  fakeContractPlatform,
  planVerdict,
  platformOutcome,
  sandboxContractPlatform,
} from './harness';
import { NOT_PLATFORM_RULES, ROWS } from './rows';
import { PARTNER } from '../helpers/sandbox';

async function runRow(p: ContractPlatform, row: Row): Promise<{ outcome: unknown; verdict: string }> {
  const partner = p.client(PARTNER);
  if (row.settings) await p.settings(row.settings);
  for (const def of row.tagDefinitions ?? []) await partner.tagDefinitions.put(def);
  try {
    const now = await p.now();
    await row.setup(p, partner, `${row.id}-a`, now);
    const outcome = await platformOutcome(() => row.change(p.client(row.actor), `${row.id}-a`, now));
    await row.setup(p, partner, `${row.id}-b`, now);
    const verdict = row.direct
      ? await directVerdict(p.client(row.actor), row, `${row.id}-b`, now)
      : await planVerdict(p.client(row.actor), row.desired(`${row.id}-b`, now), now, row.keeps, `${row.id}-b`);
    return { outcome, verdict };
  } finally {
    await p.resetSettings();
    for (const def of row.tagDefinitions ?? []) await p.deleteTagDefinition(def.metadata.name);
  }
}

describe('the platform contract: sandbox, fake and plan agree on every rule', () => {
  let sandbox: ContractPlatform;
  let fake: ContractPlatform;
  beforeAll(async () => {
    sandbox = await sandboxContractPlatform();
    fake = fakeContractPlatform();
  });
  afterAll(() => sandbox.close());

  test.each(ROWS.map((r) => [r.id, r.title, r] as const))('%s: %s', async (_id, _title, row) => {
    const reference = await runRow(sandbox, row);
    // The sandbox stands in for meshStack: it answers as the row says meshStack does.
    expect({ platform: reference.outcome }).toEqual({ platform: row.platform });
    expect({ plan: reference.verdict }).toEqual({ plan: row.plan });
    if (row.skip) {
      process.stdout.write(`contract ${row.id}: the ${row.skip.way} way is skipped: ${row.skip.reason}\n`);
    }
    if (row.skip?.way !== 'fake') {
      const mirror = await runRow(fake, row);
      expect({ fake: mirror.outcome }).toEqual({ fake: reference.outcome });
      expect({ planOnFake: mirror.verdict }).toEqual({ planOnFake: reference.verdict });
    }
    // The plan never does what the platform refuses.
    if (typeof row.platform === 'number') expect(['applied', 'pending']).not.toContain(row.plan);
  });

  test('every refusal of the catalogue has a row (or a stated reason why it is not a platform contract)', () => {
    const refusals = (Object.keys(RULES) as RuleId[]).filter((r) => RULES[r].level === 'refusal');
    const covered = new Set(ROWS.map((r) => r.rule));
    expect(refusals.filter((r) => !covered.has(r) && !(r in NOT_PLATFORM_RULES))).toEqual([]);
  });

  test('row ids are unique and short enough for the workspace identifiers they make', () => {
    const ids = ROWS.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.filter((id) => `${id}-a`.length > 32)).toEqual([]);
  });
});
