/** GET /meshusers: who a key may see, and the filters meshStack's API documents (username, email, workspaceIdentifier, workspaceRole). */
import { MANAGER, MEMBER, OWNER, PARTNER, type SandboxFixture, sandboxFixture } from '../helpers/sandbox';

let f: SandboxFixture;
beforeAll(async () => {
  f = await sandboxFixture();
  const partner = f.as(PARTNER);
  // u-one: alice Owner, bob Manager; u-two: carol Owner, bob Member; u-three: dave Manager.
  for (const ws of ['u-one', 'u-two', 'u-three']) await partner.createWorkspace(ws);
  await partner.grant('u-one', 'alice', OWNER);
  await partner.grant('u-one', 'bob', MANAGER);
  await partner.grant('u-two', 'carol', OWNER);
  await partner.grant('u-two', 'bob', MEMBER);
  await partner.grant('u-three', 'dave', MANAGER);
});
afterAll(() => f.sandbox.close());

async function users(key: string, query: string): Promise<string[] | number> {
  const res = await f.as(key).mesh('user', 'GET', `/meshusers?size=1000${query ? `&${query}` : ''}`);
  return res.status === 200
    ? res.data._embedded.meshUsers.map((u: { metadata: { name: string } }) => u.metadata.name)
    : res.status;
}

describe('GET /meshusers', () => {
  test.each([
    ['the partner, by username', PARTNER, 'username=bob', ['bob']],
    ['the partner, by an unknown username', PARTNER, 'username=nobody', []],
    ['the partner, by email', PARTNER, 'email=carol%40example.com', ['carol']],
    ['the partner, by username and another user’s email', PARTNER, 'username=bob&email=carol%40example.com', []],
    ['the partner, by workspace', PARTNER, 'workspaceIdentifier=u-two', ['bob', 'carol']],
    [
      'the partner, by workspace and role',
      PARTNER,
      `workspaceIdentifier=u-two&workspaceRole=${encodeURIComponent(MEMBER)}`,
      ['bob'],
    ],
    [
      'the partner, by a role held in another workspace than the one filtered',
      PARTNER,
      `workspaceIdentifier=u-one&workspaceRole=${encodeURIComponent(MEMBER)}`,
      [],
    ],
    [
      'the partner, by role across workspaces',
      PARTNER,
      `workspaceRole=${encodeURIComponent(MANAGER)}`,
      ['bob', 'dave'],
    ],
    ['alice, her workspace', 'alice', 'workspaceIdentifier=u-one', ['alice', 'bob']],
    ['alice, a workspace she is not in: only its users she sees anyway', 'alice', 'workspaceIdentifier=u-two', ['bob']],
    ['alice, a workspace of users she does not see', 'alice', 'workspaceIdentifier=u-three', []],
    ['alice, a user of her workspace by username', 'alice', 'username=bob', ['bob']],
    ['alice, a user she shares no workspace with', 'alice', 'username=dave', []],
    ['alice, herself', 'alice', 'username=alice', ['alice']],
    [
      'bob, by username and role: users of his workspaces',
      'bob',
      `username=carol&workspaceRole=${encodeURIComponent(OWNER)}`,
      ['carol'],
    ],
    ['bob, a role alone is no filter: admin rights needed', 'bob', `workspaceRole=${encodeURIComponent(OWNER)}`, 403],
    ['alice, unfiltered: admin rights needed', 'alice', '', 403],
  ])('%s', async (_case, key, query, expected) => {
    expect(await users(key, query)).toEqual(expected);
  });
});
