/**
 * `npm run demo`: meshform end to end on the embedded sandbox, narrated. Starts a sandbox on a free
 * port with a throw-away data dir, synthesizes examples/basic, plans and applies it, shows a 4-eyes
 * grant waiting and approved by a second manager, emergency access expiring, a third Owner refused,
 * and the workspace history; cleans up on success, failure and Ctrl-C.
 * `--quiet` prints only the step titles and results (the demo test runs it so).
 * `--profile meshstack` runs the core path (plan, apply, plan again, a refusal) against the
 * sandbox's strict profile, which serves the meshObject API alone, as a real meshStack does.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { HttpApiClient } from '../controller/client/http-client';
import { runMeshform } from '../bin/program';
import type { CliContext } from '../controller/cli/context';
import { packageRoot } from '../core/package-info';
import { type RunningSandbox, startSandbox } from '../sandbox/server';

const quiet = process.argv.includes('--quiet');
const strict = process.argv.includes('meshstack') && process.argv.includes('--profile');
const color = process.stdout.isTTY && !process.env.CI && !quiet;
const bold = (s: string) => (color ? `\u001b[1m${s}\u001b[22m` : s);
const say = (s: string) => process.stdout.write(`${s}\n`);

interface Step {
  readonly title: string;
  readonly expect: number;
  readonly got: number;
}

const steps: Step[] = [];

async function main(): Promise<void> {
  const root = packageRoot();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'meshform-demo-'));
  let sandbox: RunningSandbox | undefined;
  const cleanup = async () => {
    await sandbox?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  };
  process.once('SIGINT', () => {
    say('\nInterrupted: stopping the sandbox and removing the demo data.');
    void cleanup().finally(() => process.exit(130));
  });
  try {
    say(
      bold(
        `==> 1. Start the sandbox: a local meshStack-compatible platform${strict ? ' (strict profile: the meshObject API alone)' : ''}`,
      ),
    );
    sandbox = await startSandbox({
      port: 0,
      dataDir: path.join(tmp, 'data'),
      profile: strict ? 'meshstack' : 'default',
    });
    say(`    ${sandbox.url}  (API keys: ${sandbox.apiKeyNames.join(', ')}; data in ${tmp})`);
    const url = sandbox.url;
    const control = sandbox.controlUrl;
    const out = path.join(tmp, 'out');
    const manifest = path.join(out, 'meshform.json');
    const partner = new HttpApiClient({ endpoint: url, credentials: { kind: 'key', key: 'partner-admin' } });
    const clockNow = async () => new Date(((await sandboxJson(url, control, 'GET', '/clock')) as { now: string }).now);

    /** Runs `meshform <args>` in this process as `key`, printing its output (unless --quiet). */
    const meshform = async (
      title: string,
      args: string[],
      key: string,
      expect: number,
      env: NodeJS.ProcessEnv = {},
    ) => {
      say(`    $ MESHSTACK_API_KEY=${key} meshform ${args.join(' ')}`);
      const ctx: CliContext = {
        cwd: root,
        env: {
          ...process.env,
          MESHSTACK_ENDPOINT: url,
          MESHSTACK_API_KEY: key,
          MESHSTACK_API_SECRET: '',
          MESHSTACK_API_TOKEN: '',
          ...env,
        },
        stdout: (t) => (quiet ? undefined : process.stdout.write(indent(t))),
        stderr: (t) => (quiet ? undefined : process.stdout.write(indent(t))),
        isTTY: color,
      };
      const got = await runMeshform(args, ctx);
      steps.push({ title, expect, got });
      say(`    → exit code ${got}${got === expect ? '' : ` (expected ${expect})`}`);
      if (got !== expect) throw new Error(`${title}: meshform exited with ${got}, expected ${expect}`);
    };
    const synth = (stage: number, until = '2026-12-31T00:00:00Z') =>
      meshform(`synth stage ${stage}`, ['synth', '--app', 'node dist/demo/app.js', '--out', out], 'partner-admin', 0, {
        MESHFORM_DEMO_STAGE: String(stage),
        MESHFORM_DEMO_UNTIL: until,
      });

    say(bold("\n==> 2. Synthesize examples/basic, review the plan, apply it (as the platform team's partner key)"));
    await synth(1);
    await meshform(
      'plan',
      ['plan', '--manifest', manifest, '--out', path.join(tmp, 'plan.json'), '--detailed-exitcode'],
      'partner-admin',
      2,
    );
    await meshform(
      'apply saved plan',
      ['apply', path.join(tmp, 'plan.json'), '--manifest', manifest],
      'partner-admin',
      0,
    );
    await meshform('plan after apply', ['plan', '--manifest', manifest, '--detailed-exitcode'], 'partner-admin', 0);

    if (strict) {
      say(
        bold(
          '\n==> 3. A third Owner is refused: checkout (managed elsewhere) has alice and dave as Owners; the code adds carol',
        ),
      );
      await thirdOwner(partner, synth, meshform, manifest, '2026-12-31T00:00:00Z');
      say(bold('\n==> 4. Done: stopping the sandbox and removing the demo data'));
      say(`Demo finished (strict profile): ${steps.length} meshform commands, each with the exit code it should have.`);
      return;
    }

    say(
      bold(
        '\n==> 3. With 4-eyes on, a Workspace Manager (bob) grants dave Workspace Manager: it waits for a second approval',
      ),
    );
    await sandboxJson(url, control, 'PUT', '/settings', { fourEyes: { enabled: true, minApprovalCount: 2 } });
    await synth(2);
    await meshform('apply as bob', ['apply', '--manifest', manifest, '--auto-approve'], 'bob', 4);
    await meshform('requests as alice', ['requests', 'list'], 'alice', 0);
    const [request] = await partner.extensions.listRequests({ workspaces: ['payments'], status: 'PENDING' });
    await meshform('bob cannot approve his own request', ['requests', 'approve', request.id], 'bob', 1);
    await meshform('alice approves', ['requests', 'approve', request.id], 'alice', 0);
    await meshform('nothing left to do', ['plan', '--manifest', manifest, '--detailed-exitcode'], 'bob', 0);
    await sandboxJson(url, control, 'PUT', '/settings', { fourEyes: { enabled: false, minApprovalCount: 2 } });

    say(bold('\n==> 4. Emergency access: erin becomes Project Admin on production for one hour, with a reason'));
    const until = new Date((await clockNow()).getTime() + 3_600_000).toISOString();
    await synth(3, until);
    await meshform('grant emergency access', ['apply', '--manifest', manifest, '--auto-approve'], 'partner-admin', 0);
    say('    … two hours later (the sandbox clock moves forward) …');
    await sandboxJson(url, control, 'POST', '/clock', { advance: '2h' });
    await meshform('reconcile after expiry', ['reconcile', '--once', '--manifest', manifest], 'partner-admin', 0);
    const prodBindings = await partner.bindings.listProjectBindings('payments', 'payments-prod');
    say(`    erin's production access is ${prodBindings.some((b) => b.subject === 'erin') ? 'STILL THERE' : 'gone'}.`);
    if (prodBindings.some((b) => b.subject === 'erin')) throw new Error('emergency access did not expire');

    say(
      bold(
        "\n==> 5. What a reviewer sees: someone changed the cost center and a project's name in meshPanel; the code ends dave's access",
      ),
    );
    await partner.workspaces.update('payments', { displayName: 'Payments Team', tags: { costCenter: ['CC-6666'] } });
    await partner.projects.update('payments', 'payments-prod', {
      displayName: 'Payments (prod, do not touch)',
      tags: { environment: ['prod'] },
    });
    await synth(4, until);
    const reviewed = path.join(tmp, 'reviewed.json');
    await meshform(
      'plan with values',
      ['plan', '--manifest', manifest, '--out', reviewed, '--detailed-exitcode'],
      'partner-admin',
      2,
    );
    await meshform(
      'the saved plan, as the PR comment shows it',
      ['show', reviewed, '--format', 'markdown'],
      'partner-admin',
      0,
    );
    await meshform('apply the reviewed plan', ['apply', reviewed, '--manifest', manifest], 'partner-admin', 0);

    say(
      bold(
        '\n==> 6. A third Owner is refused: checkout (managed elsewhere) has alice and dave as Owners; the code adds carol',
      ),
    );
    await thirdOwner(partner, synth, meshform, manifest, until);

    say(bold('\n==> 7. The workspace history: who changed what, when and why'));
    await meshform('history', ['history', 'payments'], 'partner-admin', 0);

    say(bold('\n==> 8. Done: stopping the sandbox and removing the demo data'));
    say(`Demo finished: ${steps.length} meshform commands, each with the exit code it should have.`);
  } finally {
    await cleanup();
  }
}

async function thirdOwner(
  partner: HttpApiClient,
  synth: (stage: number, until?: string) => Promise<void>,
  meshform: (title: string, args: string[], key: string, expect: number) => Promise<void>,
  manifest: string,
  until: string,
): Promise<void> {
  await partner.workspaces.create({ name: 'checkout', displayName: 'Checkout', tags: { costCenter: ['4712'] } });
  for (const owner of ['alice', 'dave'])
    await partner.bindings.create({
      name: `checkout-${owner}`,
      workspace: 'checkout',
      subjectKind: 'User',
      subject: owner,
      role: 'Workspace Owner',
    });
  await synth(5, until);
  await meshform('third owner refused', ['plan', '--manifest', manifest], 'partner-admin', 3);
}

function indent(text: string): string {
  return text.replace(/^(?=.)/gm, '      ');
}

/** The sandbox's extension endpoints (at `control`), as the partner: not part of meshStack's API. */
async function sandboxJson(
  url: string,
  control: string,
  method: string,
  pathname: string,
  body?: unknown,
): Promise<unknown> {
  const info = (await (await fetch(`${url}/mesh/info`)).json()) as {
    devLocalCredentials: { apiKeys: Record<string, { clientSecret: string }> };
  };
  const login = await fetch(`${url}/api/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      clientId: 'partner-admin',
      clientSecret: info.devLocalCredentials.apiKeys['partner-admin'].clientSecret,
    }),
  });
  const { access_token } = (await login.json()) as { access_token: string };
  const res = await fetch(`${control}/sandbox/v1${pathname}`, {
    method,
    headers: { Authorization: `Bearer ${access_token}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${pathname}: ${res.status} ${await res.text()}`);
  return res.json();
}

main().catch((e) => {
  process.stderr.write(`demo failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
