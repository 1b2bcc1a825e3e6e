import type { AxiosResponse } from 'axios';
import { type Operation, checkRequest, checkResponse, documentedOperations, operationFor } from '../helpers/openapi';
import { MANAGER, MEMBER, OWNER, PARTNER, type SandboxFixture, sandboxFixture } from '../helpers/sandbox';

interface Exchange {
  op: Operation;
  status: number;
  request: unknown;
  response: unknown;
}

let f: SandboxFixture;
const exchanges: Exchange[] = [];

/** Exercises every endpoint the sandbox serves from meshStack's API, recording each exchange. */
async function exercise(): Promise<void> {
  const partner = f.as(PARTNER);
  const alice = f.as('alice');
  await partner.mesh('tagDefinition', 'POST', '/meshtagdefinitions', {
    apiVersion: 'v1',
    kind: 'meshTagDefinition',
    metadata: { name: 'meshProject.environment' },
    spec: {
      targetKind: 'meshProject',
      key: 'environment',
      valueType: { singleSelect: { options: ['dev', 'prod'] } },
      displayName: 'Environment',
      description: 'Stage',
      sortOrder: 1,
      mandatory: false,
      immutable: false,
      restricted: false,
    },
  });
  await partner.mesh('tagDefinition', 'GET', '/meshtagdefinitions');
  await partner.mesh('tagDefinition', 'GET', '/meshtagdefinitions/meshProject.environment');
  await partner.mesh('tagDefinition', 'PUT', '/meshtagdefinitions/meshProject.environment', {
    apiVersion: 'v1',
    kind: 'meshTagDefinition',
    metadata: { name: 'meshProject.environment' },
    spec: {
      targetKind: 'meshProject',
      key: 'environment',
      valueType: { singleSelect: { options: ['dev', 'qa', 'prod'] } },
      displayName: 'Environment',
    },
  });
  await partner.createWorkspace('payments', { tags: { costCenter: ['4711'] } });
  await partner.mesh('workspace', 'GET', '/meshworkspaces');
  await partner.mesh('workspace', 'GET', '/meshworkspaces/payments');
  await partner.mesh('workspace', 'PUT', '/meshworkspaces/payments', {
    apiVersion: 'v2',
    kind: 'meshWorkspace',
    metadata: { name: 'payments', tags: {} },
    spec: { displayName: 'Payments' },
  });
  await partner.grant('payments', 'alice', OWNER);
  await alice.grant('payments', 'bob', MANAGER);
  await alice.grant('payments', 'payments-devs', MEMBER, { group: true });
  await alice.mesh('wsUserBinding', 'GET', '/meshworkspacebindings/userbindings?workspaceIdentifier=payments');
  await alice.mesh('wsUserBinding', 'GET', '/meshworkspacebindings/userbindings/payments-bob-manager');
  await alice.mesh('wsGroupBinding', 'GET', '/meshworkspacebindings/groupbindings?workspaceIdentifier=payments');
  await alice.mesh('wsGroupBinding', 'GET', '/meshworkspacebindings/groupbindings/payments-payments-devs-member');
  await alice.createProject('payments', 'web', { environment: ['prod'] });
  await alice.mesh('project', 'GET', '/meshprojects?workspaceIdentifier=payments');
  await alice.mesh('project', 'GET', '/meshprojects/payments.web');
  await alice.mesh('project', 'PUT', '/meshprojects/payments.web', {
    apiVersion: 'v2',
    kind: 'meshProject',
    metadata: { name: 'web', ownedByWorkspace: 'payments' },
    spec: { displayName: 'Web', tags: { environment: ['qa'] } },
  });
  await alice.mesh('projectRole', 'GET', '/meshprojectroles');
  await alice.mesh('projectRole', 'GET', '/meshprojectroles/project-admin');
  await partner.mesh('projectRole', 'POST', '/meshprojectroles', {
    apiVersion: 'v1',
    kind: 'meshProjectRole',
    metadata: { name: 'project-auditor', tags: {} },
    spec: { name: 'Project Auditor', description: 'Reads statements', rank: 50 },
  });
  await partner.mesh('projectRole', 'PUT', '/meshprojectroles/project-auditor', {
    apiVersion: 'v1',
    kind: 'meshProjectRole',
    metadata: { name: 'project-auditor', tags: {} },
    spec: { name: 'Project Auditor', rank: 60 },
  });
  await alice.grantProject('payments', 'web', 'bob', 'Project Auditor', { name: 'web-bob-auditor' });
  await alice.mesh('projectUserBinding', 'DELETE', '/meshprojectbindings/userbindings/web-bob-auditor');
  await partner.mesh('projectRole', 'DELETE', '/meshprojectroles/project-auditor');
  await alice.grantProject('payments', 'web', 'bob', 'Project Admin', { name: 'web-bob' });
  await alice.grantProject('payments', 'web', 'payments-devs', 'Project Reader', { name: 'web-devs', group: true });
  await alice.mesh(
    'projectUserBinding',
    'GET',
    '/meshprojectbindings/userbindings?workspaceIdentifier=payments&projectIdentifier=web',
  );
  await alice.mesh('projectUserBinding', 'GET', '/meshprojectbindings/userbindings/web-bob');
  await alice.mesh(
    'projectGroupBinding',
    'GET',
    '/meshprojectbindings/groupbindings?workspaceIdentifier=payments&projectIdentifier=web',
  );
  await alice.mesh('projectGroupBinding', 'GET', '/meshprojectbindings/groupbindings/web-devs');
  await alice.mesh('projectUserBinding', 'DELETE', '/meshprojectbindings/userbindings/web-bob');
  await alice.mesh('projectGroupBinding', 'DELETE', '/meshprojectbindings/groupbindings/web-devs');
  await alice.mesh('group', 'GET', '/meshworkspaceusergroups?workspaceIdentifier=payments');
  await alice.mesh('group', 'GET', '/meshworkspaceusergroups/payments.payments-devs');
  await partner.mesh('user', 'POST', '/meshusers', {
    apiVersion: 'v2',
    kind: 'meshUser',
    metadata: { name: 'zoe' },
    spec: { email: 'zoe@example.com', firstName: 'Zoe', lastName: 'Zed' },
  });
  await partner.mesh('user', 'GET', '/meshusers?workspaceIdentifier=payments');
  await partner.mesh('user', 'GET', '/meshusers/zoe');
  await partner.mesh('user', 'PUT', '/meshusers/zoe', {
    apiVersion: 'v2',
    kind: 'meshUser',
    metadata: { name: 'zoe' },
    spec: { email: 'zoe@example.org', firstName: 'Zoe', lastName: 'Zed', euid: 'zz' },
  });
  await partner.mesh('user', 'DELETE', '/meshusers/zoe');
  await alice.mesh('paymentMethod', 'POST', '/meshpaymentmethods', {
    apiVersion: 'v2',
    kind: 'meshPaymentMethod',
    metadata: { name: 'pm-1', ownedByWorkspace: 'payments' },
    spec: { displayName: 'Budget', amount: 1000, expirationDate: '2027-12-31', tags: {} },
  });
  await alice.mesh('paymentMethod', 'GET', '/meshpaymentmethods?workspaceIdentifier=payments');
  await alice.mesh('paymentMethod', 'GET', '/meshpaymentmethods/pm-1');
  await alice.mesh('paymentMethod', 'PUT', '/meshpaymentmethods/pm-1', {
    apiVersion: 'v2',
    kind: 'meshPaymentMethod',
    metadata: { name: 'pm-1', ownedByWorkspace: 'payments' },
    spec: { displayName: 'Budget 2', amount: 2000, tags: {} },
  });
  await alice.mesh('paymentMethod', 'DELETE', '/meshpaymentmethods/pm-1');
  await alice.mesh('project', 'DELETE', '/meshprojects/payments.web');
  await alice.mesh('wsUserBinding', 'DELETE', '/meshworkspacebindings/userbindings/payments-bob-manager');
  await alice.mesh('wsGroupBinding', 'DELETE', '/meshworkspacebindings/groupbindings/payments-payments-devs-member');
  await partner.mesh('tagDefinition', 'DELETE', '/meshtagdefinitions/meshProject.environment');
  // Project deletion is asynchronous: the workspace can go once it has finished.
  await partner.ext('POST', '/clock', { advance: '61s' });
  await alice.mesh('workspace', 'DELETE', '/meshworkspaces/payments');
}

describe.each([['default'], ['meshstack']])(
  "the sandbox (%s profile) against meshStack's OpenAPI document",
  (profile) => {
    beforeAll(async () => {
      exchanges.length = 0;
      f = await sandboxFixture(['--profile', profile]);
      f.http.interceptors.response.use((res: AxiosResponse) => {
        const op = operationFor(res.config.method ?? 'get', res.config.url ?? '');
        if (op)
          exchanges.push({
            op,
            status: res.status,
            request: typeof res.config.data === 'string' ? JSON.parse(res.config.data) : res.config.data,
            response: res.data,
          });
        return res;
      });
      await exercise();
    });
    afterAll(() => f.sandbox.close());

    test('every call of the scenario succeeded', () => {
      expect(
        exchanges
          .filter((e) => e.status >= 300)
          .map((e) => `${e.op.method} ${e.op.template} → ${e.status} ${JSON.stringify(e.response)}`),
      ).toEqual([]);
    });

    test('the scenario covers every documented operation the sandbox serves', () => {
      const served = new Set(exchanges.map((e) => `${e.op.method} ${e.op.template}`));
      const expected = documentedOperations();
      expect(expected.map((o) => `${o.method} ${o.template}`).filter((o) => !served.has(o))).toEqual([]);
    });

    test('every response has a documented status and fits its schema', () => {
      expect(exchanges.flatMap((e) => checkResponse(e.op, e.status, e.response))).toEqual([]);
    });

    test('every body the sandbox accepted fits the request schema', () => {
      expect(exchanges.filter((e) => e.request !== undefined).flatMap((e) => checkRequest(e.op, e.request))).toEqual(
        [],
      );
    });

    test('a response that breaks the schema is caught (the check is not vacuous)', () => {
      const op = operationFor('GET', '/api/meshobjects/meshworkspaces/x')!;
      expect(checkResponse(op, 200, { kind: 'meshWorkspace' })).not.toEqual([]);
      expect(checkResponse(op, 418, {})).toEqual([expect.stringMatching(/status 418 is not documented/)]);
    });
  },
);
