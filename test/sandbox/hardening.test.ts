/**
 * The sandbox against hostile users of a shared platform and hostile web pages: what an attack run
 * found (issue 14), each case as the attacker would try it.
 */
import { MANAGER, OWNER, PARTNER, type SandboxFixture, sandboxFixture } from '../helpers/sandbox';

let f: SandboxFixture;
beforeAll(async () => {
  f = await sandboxFixture();
});
afterAll(() => f.sandbox.close());

describe("another workspace's objects", () => {
  test("an Owner of one workspace cannot overwrite another workspace's payment method (PUT with its own workspace in the body)", async () => {
    const partner = f.as(PARTNER);
    await partner.createWorkspace('victim');
    await partner.createWorkspace('attacker');
    await partner.grant('attacker', 'bob', OWNER);
    const pm = { apiVersion: 'v2', kind: 'meshPaymentMethod', metadata: { name: 'victim-budget', ownedByWorkspace: 'victim' }, spec: { displayName: 'Budget', amount: 1000, tags: {} } };
    expect((await partner.mesh('paymentMethod', 'POST', '/meshpaymentmethods', pm)).status).toBe(201);
    const forged = { ...pm, metadata: { name: 'victim-budget', ownedByWorkspace: 'attacker' }, spec: { displayName: 'mine now', amount: 1, tags: {} } };
    const res = await f.as('bob').mesh('paymentMethod', 'PUT', '/meshpaymentmethods/victim-budget', forged);
    expect(res.status).toBe(403);
    const after = (await partner.mesh('paymentMethod', 'GET', '/meshpaymentmethods/victim-budget')).data;
    expect(after).toMatchObject({ metadata: { ownedByWorkspace: 'victim' }, spec: { displayName: 'Budget', amount: 1000 } });
    // Even a manager of both workspaces cannot move a payment method to another workspace.
    await partner.grant('victim', 'alice', OWNER);
    await partner.grant('attacker', 'alice', MANAGER);
    const moved = await f.as('alice').mesh('paymentMethod', 'PUT', '/meshpaymentmethods/victim-budget', forged);
    expect(moved.status).toBe(400);
    expect(moved.data.message).toMatch(/ownedByWorkspace cannot change/);
  });
});
