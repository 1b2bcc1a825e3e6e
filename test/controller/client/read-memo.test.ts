/** The read memo of one Terraform plan: a GET is sent once, a write forgets, apply (off) reads afresh. */
import { HttpApiClient, ReadMemo } from '../../../controller/client/http-client';
import { OWNERSHIP_TAG_DEFINITION } from '../../../core/rules';
import { type SandboxFixture, sandboxFixture } from '../../helpers/sandbox';

let f: SandboxFixture;
beforeAll(async () => {
  f = await sandboxFixture();
});
afterAll(async () => {
  await f.sandbox.close();
});

test('the same GET is sent once; a write forgets every answer; after off() each read goes to the platform', async () => {
  const memo = new ReadMemo();
  const api = new HttpApiClient({
    endpoint: f.sandbox.url,
    credentials: { kind: 'key', key: 'partner-admin' },
    readMemo: memo,
  });
  const gets = () => api.stats.byMethod.GET ?? 0;
  const first = await api.tagDefinitions.list();
  const sent = gets();
  expect(await api.tagDefinitions.list()).toEqual(first);
  expect(gets()).toBe(sent);
  await api.tagDefinitions.put(OWNERSHIP_TAG_DEFINITION);
  const afterWrite = gets();
  expect((await api.tagDefinitions.list()).map((d) => d.metadata.name)).toContain(
    OWNERSHIP_TAG_DEFINITION.metadata.name,
  );
  expect(gets()).toBe(afterWrite + 1);
  memo.off();
  await api.tagDefinitions.list();
  await api.tagDefinitions.list();
  expect(gets()).toBe(afterWrite + 3);
});

test('a failed read is not remembered', async () => {
  const memo = new ReadMemo();
  let calls = 0;
  const failing = () => {
    calls++;
    return Promise.reject(new Error('down'));
  };
  await expect(memo.answer('k', failing)).rejects.toThrow('down');
  await expect(memo.answer('k', failing)).rejects.toThrow('down');
  expect(calls).toBe(2);
});

test('one memo shared by two identities (a provider configured twice) never hands one the answers of the other', async () => {
  const memo = new ReadMemo();
  const as = (key: string, readMemo?: ReadMemo) =>
    new HttpApiClient({
      endpoint: f.sandbox.url,
      credentials: { kind: 'key', key },
      ...(readMemo ? { readMemo } : {}),
    });
  const names = async (api: HttpApiClient) => (await api.workspaces.list()).map((w) => w.name).sort();
  await f.as('partner-admin').createWorkspace('memo-partner-only');
  const partnerSees = await names(as('partner-admin', memo));
  expect(partnerSees).toContain('memo-partner-only');
  const aliceSees = await names(as('alice', memo));
  expect(aliceSees).toEqual(await names(as('alice')));
  expect(aliceSees).not.toEqual(partnerSees);
});
