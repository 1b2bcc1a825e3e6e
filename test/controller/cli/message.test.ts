/**
 * `meshform message`: messages to workspace users through meshStack's communications API, on both
 * sandbox profiles. The panel's read modes map onto the API's message types; the platform's text is
 * printed escaped.
 */
import { meshform, platformEnv } from '../../helpers/cli';
import { OWNER, PARTNER, type SandboxFixture, sandboxFixture } from '../../helpers/sandbox';

describe.each([['default'], ['meshstack']])('meshform message, %s profile', (profile) => {
  let f: SandboxFixture;
  beforeAll(async () => {
    f = await sandboxFixture(['--profile', profile]);
    for (const ws of ['msg-a', 'msg-b']) {
      expect((await f.as(PARTNER).createWorkspace(ws)).status).toBe(201);
      expect((await f.as(PARTNER).grant(ws, 'alice', OWNER)).status).toBe(201);
    }
  });
  afterAll(() => f.sandbox.close());

  const run = (args: string[], key = PARTNER) =>
    meshform(['message', ...args], { env: platformEnv(f.sandbox.url, key) });
  const outbox = async () =>
    ((await f.as(PARTNER).ext('GET', '/outbox')).data.messages as Array<{ recipient: string; subject: string }>).filter(
      (m) => m.subject.includes('Maintenance'),
    );

  test('a partner sends one message to several workspaces; each lists it, its users get an e-mail', async () => {
    const sent = await run([
      'send',
      'msg-a',
      'msg-b',
      '--title',
      'Maintenance window',
      '--message',
      'Rotate your keys.\nThanks!',
      '--read-mode',
      'single',
      '--due',
      '2026-12-31',
      '--format',
      'json',
    ]);
    expect(sent.stderr).toBe('');
    expect(sent.code).toBe(0);
    expect((JSON.parse(sent.stdout) as { sent: Array<{ workspace: string }> }).sent.map((s) => s.workspace)).toEqual([
      'msg-a',
      'msg-b',
    ]);
    const list = await run(['list', 'msg-b']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(
      /^\S+Z {2}ACTION_REQUIRED \(single read\), due 2026-12-31 {2}Maintenance window\n {4}Rotate your keys\.\n {4}Thanks!\n$/,
    );
    expect((await outbox()).map((m) => m.subject)).toEqual(['msg-a: Maintenance window', 'msg-b: Maintenance window']);
    // A workspace's user reads what was sent to it.
    const asAlice = await run(['list', 'msg-a', '--format', 'json'], 'alice');
    expect(asAlice.code).toBe(0);
    expect(JSON.parse(asAlice.stdout)).toEqual([
      expect.objectContaining({ type: 'ACTION_REQUIRED', workspace: 'msg-a' }),
    ]);
  });

  test('"all must read" is a NOTIFICATION; --no-email sends no e-mail', async () => {
    const before = (await outbox()).length;
    const sent = await run(['send', 'msg-a', '--title', 'Maintenance done', '--message', 'All good.', '--no-email']);
    expect(sent.code).toBe(0);
    expect(sent.stdout).toMatch(/^sent "Maintenance done" to workspace msg-a \(communication [0-9a-f-]{36}\)\n$/);
    expect((await outbox()).length).toBe(before);
    const list = await run(['list', 'msg-a']);
    expect(list.stdout).toContain('NOTIFICATION (all must read)  Maintenance done\n    All good.\n');
  });

  test("the platform's text is printed escaped: no terminal control, no reversed text", async () => {
    const sent = await run(['send', 'msg-b', '--title', 'Hello\u001b[2J', '--message', 'line\u202eevil\r\nnext']);
    expect(sent.code).toBe(0);
    const list = await run(['list', 'msg-b']);
    expect(list.stdout).not.toMatch(/[\u001b\u202e\r]/);
    expect(list.stdout).toContain('Hello\\u{1b}[2J');
    expect(list.stdout).toContain('line\\u{202e}evil\\u{d}\n    next');
  });

  test('only a partner sends messages; bad input is refused before anything is sent', async () => {
    const refused = await run(['send', 'msg-a', '--title', 'Hi', '--message', 'x'], 'alice');
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/403/);
    for (const [args, error] of [
      [['--title', 'Hi'], /--message <text> or --message-file <path>/],
      [['--title', 'Hi', '--message', 'x', '--due', '31.12.2026'], /--due must be a date YYYY-MM-DD/],
      [['--title', 'Hi', '--message', 'x', '--read-mode', 'everyone'], /--read-mode must be one of all, single/],
    ] as const) {
      const bad = await run(['send', 'msg-a', ...args]);
      expect(bad.code).not.toBe(0);
      expect(bad.stderr).toMatch(error);
    }
    expect((await run(['list', 'msg-a', '--format', 'json'])).stdout).not.toContain('"Hi"');
  });
});
