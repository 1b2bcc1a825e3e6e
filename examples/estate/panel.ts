/**
 * The estate of estate.yaml as a platform that meshform has never seen, for trying `meshform import`
 * on the sandbox:
 *   node dist/examples/estate/panel.js seed > estate-seed.yaml        (its people and groups)
 *   npx meshform sandbox --seed estate-seed.yaml &
 *   node dist/examples/estate/panel.js populate http://127.0.0.1:8080  (its workspaces, as made in meshPanel)
 * `populate` writes the estate with meshform's own client as the partner, then removes the ownership
 * tag, so that no meshform stack owns any of it: what a team finds on the day it adopts meshform.
 */
import { stringify } from 'yaml';
import { apply } from '../../controller/apply/apply';
import { HttpApiClient } from '../../controller/client/http-client';
import { planAgainst } from '../../controller/run';
import { OWNERSHIP_TAG_KEY } from '../../core/rules';
import { App } from 'meshform/cdktf';
import { type EstateFile, EstateStack, readEstate } from './main';

/** Users (owner, lead and two developers per team), the partner's API key and each team's developer group. */
export function estateSeed(estate: EstateFile = readEstate()): unknown {
  const people = [...new Set(estate.teams.flatMap((t) => [t.owner, ...t.managers, ...t.members]))].sort();
  return {
    users: [
      {
        username: 'partner.admin',
        email: 'partner.admin@example.com',
        firstName: 'Pat',
        lastName: 'Partner',
        partner: true,
      },
      ...people.map((u) => ({ username: u, email: `${u}@example.com` })),
    ],
    apiKeys: [{ clientId: 'partner-admin', user: 'partner.admin' }],
    groups: estate.teams.map((t) => ({ workspace: t.id, name: t.group, members: t.members })),
  };
}

/** Creates the estate on `endpoint` as the partner, then leaves it unowned. */
export async function populate(endpoint: string, estate: EstateFile = readEstate()): Promise<number> {
  const manifest = new EstateStack(new App({ skipValidation: true }), 'estate', estate).manifest.toDesiredState();
  const api = new HttpApiClient({ endpoint, credentials: { kind: 'key', key: 'partner-admin' } });
  const { plan } = await planAgainst(api, manifest, { endpoint });
  if (plan.refusals.length)
    throw new Error(`the estate's plan is refused: ${plan.refusals.map((r) => r.rule).join(', ')}`);
  const report = await apply(api, plan, { concurrency: 8 });
  const failed = report.results.filter((r) => r.status === 'failed');
  if (failed.length) throw new Error(`${failed.length} step(s) failed, e.g. ${failed[0].error?.message}`);
  for (const w of manifest.workspaces)
    await api.workspaces.update(w.metadata.name, {
      displayName: w.spec.displayName!,
      tags: { [OWNERSHIP_TAG_KEY]: [] },
    });
  return manifest.workspaces.length;
}

if (require.main === module) {
  const [command, endpoint] = process.argv.slice(2);
  if (command === 'seed') process.stdout.write(stringify(estateSeed()));
  else if (command === 'populate' && endpoint)
    populate(endpoint).then(
      (n) => process.stdout.write(`${n} workspaces written to ${endpoint}; no meshform stack owns them\n`),
      (e: Error) => ((process.exitCode = 1), process.stderr.write(`${e.message}\n`)),
    );
  else {
    process.exitCode = 1;
    process.stderr.write('usage: panel.js seed | panel.js populate <endpoint>\n');
  }
}
