/**
 * Every refusal the sandbox can answer has a contract row or a stated reason: the names come from the
 * one list the sandbox throws them from (sandbox/domain/refusals.ts; ../problem has no 403 or 409 of
 * its own), so a refusal added without a row turns this red.
 */
import * as fs from 'fs';
import * as path from 'path';
import { REFUSALS, type RefusalName } from '../../sandbox/domain/refusals';
import { ROWS } from './rows';
import { SANDBOX_REFUSALS } from './sandbox-refusals';

const names = Object.keys(REFUSALS) as RefusalName[];

describe("the sandbox's refusals", () => {
  test('each has a row or a reason, and nothing else is listed', () => {
    expect(Object.keys(SANDBOX_REFUSALS).sort()).toEqual([...names].sort());
  });

  test("a refusal's row exists and answers its status (through the client: k53's 409 reads back as done)", () => {
    const wrong = names.flatMap((name) => {
      const c = SANDBOX_REFUSALS[name];
      if (!('row' in c)) return [];
      const row = ROWS.find((r) => r.id === c.row);
      if (!row) return [`${name}: no row ${c.row}`];
      if (typeof row.platform === 'number' && row.platform !== REFUSALS[name])
        return [`${name}: row ${c.row} answers ${row.platform}, the sandbox ${REFUSALS[name]}`];
      return [];
    });
    expect(wrong).toEqual([]);
  });

  test('outside the list the sandbox answers only protocol statuses of its own (media types, login throttling)', () => {
    const root = path.join(__dirname, '../../sandbox');
    const files = fs.readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    const statuses = files
      // problem.ts: a request the sandbox cannot read (400), no login (401), no such path or object (404).
      .filter((f) => !['refusals.ts', 'problem.ts'].includes(path.basename(f)))
      .flatMap((f) => [...fs.readFileSync(path.join(root, f), 'utf8').matchAll(/new HttpProblem\((\d+)/g)])
      .map((m) => Number(m[1]));
    expect([...new Set(statuses)].sort()).toEqual([406, 415, 429]);
  });
});
