import { MEMBER, OWNER, PARTNER, type SandboxFixture, sandboxFixture } from '../helpers/sandbox';

let f: SandboxFixture;
beforeAll(async () => {
  f = await sandboxFixture();
  await f.as(PARTNER).createWorkspace('inv');
  await f.as(PARTNER).grant('inv', 'alice', OWNER);
});
afterAll(() => f.sandbox.close());

describe('sandbox invitations and notifications', () => {
  test('a binding for someone unknown records an invitation, matched by e-mail at first login', async () => {
    const alice = f.as('alice');
    const res = await alice.grant('inv', 'frank@example.com', MEMBER, {
      invitation: { firstName: 'Frank', lastName: 'New' },
    });
    expect(res.status).toBe(201);
    expect(res.data.subject).toEqual({ name: 'frank@example.com' });
    const invited = (await alice.events('inv')).pop()!;
    expect(invited).toMatchObject({
      type: 'USER_INVITED',
      details: { subject: 'frank@example.com', invitation: { firstName: 'Frank', lastName: 'New' } },
    });
    expect((await f.as(PARTNER).ext('GET', '/outbox')).data.messages).toContainEqual(
      expect.objectContaining({ recipient: 'frank@example.com', subject: 'Access granted to inv' }),
    );

    const partner = f.as(PARTNER);
    expect(
      (
        await partner.mesh('user', 'POST', '/meshusers', {
          metadata: { name: 'frank' },
          spec: { email: 'frank@example.com', firstName: 'Frank', lastName: 'New' },
        })
      ).status,
    ).toBe(201);
    expect((await partner.ext('POST', '/users/frank/first-login')).data).toEqual({ acceptedInvitations: ['inv'] });
    expect(await alice.workspaceBindings('inv')).toContainEqual(
      expect.objectContaining({ subject: 'frank', role: MEMBER }),
    );
    expect((await alice.events('inv')).pop()).toMatchObject({ type: 'USER_ACCEPTED_INVITATION', actor: 'frank' });
  });

  test('an invitation accepted by a user who meanwhile got the same role directly leaves one binding, not two', async () => {
    const alice = f.as('alice');
    const partner = f.as(PARTNER);
    expect(
      (await alice.grant('inv', 'ivan@example.com', MEMBER, { invitation: { firstName: 'Ivan', lastName: 'Twice' } }))
        .status,
    ).toBe(201);
    expect(
      (
        await partner.mesh('user', 'POST', '/meshusers', {
          metadata: { name: 'ivan' },
          spec: { email: 'ivan@example.com', firstName: 'Ivan', lastName: 'Twice' },
        })
      ).status,
    ).toBe(201);
    expect((await alice.grant('inv', 'ivan', MEMBER)).status).toBe(201);
    expect((await partner.ext('POST', '/users/ivan/first-login')).data).toEqual({ acceptedInvitations: ['inv'] });
    const ivans = (await alice.workspaceBindings('inv')).filter(
      (b) => b.subject === 'ivan' || b.subject === 'ivan@example.com',
    );
    expect(ivans.map((b) => [b.subject, b.role])).toEqual([['ivan', MEMBER]]);
  });

  test('removing an invitation before it is accepted cancels it', async () => {
    const alice = f.as('alice');
    await alice.grant('inv', 'gina@example.com', MEMBER, { invitation: { firstName: 'Gina', lastName: 'Late' } });
    const name = (await alice.workspaceBindings('inv')).find((b) => b.subject === 'gina@example.com')!.name;
    await alice.mesh('wsUserBinding', 'DELETE', `/meshworkspacebindings/userbindings/${name}`);
    expect((await alice.events('inv')).pop()).toMatchObject({
      type: 'USER_INVITATION_CANCELLED',
      details: { subject: 'gina@example.com' },
    });
  });

  test('an unknown username without an invitation is refused', async () => {
    expect((await f.as('alice').grant('inv', 'henry', MEMBER)).status).toBe(400);
  });

  test('the outbox is for partners only', async () => {
    expect((await f.as('alice').ext('GET', '/outbox')).status).toBe(403);
  });
});
