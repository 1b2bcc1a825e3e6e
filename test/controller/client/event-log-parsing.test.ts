/** Reading meshStack's event log: versions, order, and what a removal or a tag change tells the plan. */
import { ApiError } from '../../../core/errors';
import { type EventLogEntry, eventLogApi, normalizeEventLog } from '../../../controller/client/event-log';
import { bindingRemovalsIn, ownershipTagRemovalIn } from '../../../controller/observe/history';
import { renderEventLog } from '../../../controller/render/history';

const entry = (over: Partial<EventLogEntry>): EventLogEntry => ({
  uuid: 'u1',
  title: 'Workspace User Role Removed',
  description: '',
  eventType: 'Removed',
  workspace: 'w',
  content: { username: 'carol', role: 'Workspace Member' },
  at: '2026-11-20T10:00:00Z',
  author: { type: 'User', identifier: 'x', username: 'dora' },
  ...over,
});

describe('the event log client', () => {
  test('asks for v1, falls back to v1-preview where the platform refuses v1, and keeps asking for that', async () => {
    const asked: string[] = [];
    const api = eventLogApi(async (version) => {
      asked.push(version);
      if (version === 'v1') throw new ApiError('GET', '/api/meshobjects/mesheventlogs', 406, 'not acceptable', false);
      return [entry({ uuid: 'b', at: '2026-11-21T00:00:00Z' }), entry({ uuid: 'a' }), entry({ uuid: 'a' })];
    });
    expect((await api.list({ workspace: 'w' })).map((e) => e.uuid)).toEqual(['a', 'b']);
    await api.list({ workspace: 'w' });
    expect(asked).toEqual(['v1', 'v1-preview', 'v1-preview']);
  });

  test('sends its filters, oldest first, and no until unless given', async () => {
    let query: Record<string, string> = {};
    await eventLogApi(async (_v, q) => {
      query = q;
      return [];
    }).list({ workspace: 'w', from: '2026-01-01T00:00:00.000Z', eventType: 'Removed' });
    expect(query).toEqual({
      sort: 'createdAt,asc',
      workspaceIdentifier: 'w',
      from: '2026-01-01T00:00:00.000Z',
      eventType: 'Removed',
    });
  });

  test('a key without EVENTLOG_LIST gets the 403, not a fallback', async () => {
    const api = eventLogApi(async () => {
      throw new ApiError('GET', '/api/meshobjects/mesheventlogs', 403, 'forbidden', false);
    });
    await expect(api.list()).rejects.toMatchObject({ status: 403 });
  });

  test('an entry in the documented shape is read; one without uuid, title or timestamp is refused', () => {
    const raw = {
      apiVersion: 'v1',
      kind: 'meshEventLog',
      metadata: { uuid: 'c1' },
      spec: {
        title: 'Workspace Created',
        description: 'Workspace ops was created',
        eventType: 'Created',
        workspaceRef: { kind: 'meshWorkspace', name: 'ops' },
        content: { identifier: 'ops' },
        previousContent: null,
        somethingNew: 1,
      },
      status: {
        created: { timestamp: '2026-07-01T12:00:00Z', author: { type: 'User', identifier: 'u1', username: 'jane' } },
      },
    };
    expect(normalizeEventLog(raw)).toEqual({
      uuid: 'c1',
      title: 'Workspace Created',
      description: 'Workspace ops was created',
      eventType: 'Created',
      workspace: 'ops',
      content: { identifier: 'ops' },
      at: '2026-07-01T12:00:00Z',
      author: { type: 'User', identifier: 'u1', username: 'jane' },
    });
    expect(() => normalizeEventLog({ ...raw, metadata: {} })).toThrow(/metadata\.uuid/);
  });
});

describe('what the plan reads from the event log', () => {
  test('a removal by the platform itself is an expiry; by anyone else, a removal by hand', () => {
    const { expired, removed } = bindingRemovalsIn([
      entry({
        author: { type: 'System', identifier: 'system' },
        content: { username: 'carol', role: 'Workspace Member', expirationDate: '2026-11-19' },
      }),
      entry({ at: '2026-11-22T00:00:00Z', author: { type: 'ApiKey', identifier: 'k1', displayName: 'tf-ci' } }),
      entry({ eventType: 'Added' }),
      entry({ content: { identifier: 'w' } }),
    ]);
    expect(expired).toEqual([
      {
        subjectKind: 'User',
        subject: 'carol',
        role: 'Workspace Member',
        at: '2026-11-20T10:00:00Z',
        expiryDate: '2026-11-19',
      },
    ]);
    expect(removed).toEqual([
      {
        subjectKind: 'User',
        subject: 'carol',
        role: 'Workspace Member',
        at: '2026-11-22T00:00:00Z',
        by: 'ApiKey tf-ci',
      },
    ]);
  });

  test("the last change that dropped the ownership tag names its author; other changes don't count", () => {
    const changed = (before: unknown, after: unknown, at: string) =>
      entry({
        title: 'Workspace Changed',
        eventType: 'Changed',
        at,
        previousContent: { tags: before as Record<string, unknown> },
        content: { tags: after as Record<string, unknown> },
        author: { type: 'ApiKey', identifier: 'k1', displayName: 'tf-ci' },
      });
    expect(
      ownershipTagRemovalIn([
        changed({ meshformStack: ['payments'] }, {}, '2026-11-01T00:00:00Z'),
        changed({ costCenter: ['1'] }, { costCenter: ['2'] }, '2026-11-02T00:00:00Z'),
        changed({ meshformStack: ['payments'], costCenter: ['2'] }, { costCenter: ['2'] }, '2026-11-03T00:00:00Z'),
      ]),
    ).toEqual({ stack: 'payments', at: '2026-11-03T00:00:00Z', by: 'ApiKey tf-ci', authorType: 'ApiKey' });
    expect(ownershipTagRemovalIn([changed({ costCenter: ['1'] }, {}, '2026-11-01T00:00:00Z')])).toBeUndefined();
  });
});

describe('the event log in words', () => {
  test('when, who, what; a binding in short; the platform text escaped', () => {
    const text = renderEventLog([
      entry({
        author: { type: 'System', identifier: 'system' },
        content: { username: 'carol', role: 'Workspace Member', expirationDate: '2026-11-19' },
      }),
      entry({
        title: 'Workspace Changed\u001b[2J',
        eventType: 'Changed',
        description: 'tags\u202eevil\nforged line',
        content: {},
        at: '2026-11-21T08:00:00.123Z',
        author: { type: 'ApiKey', identifier: 'k1', displayName: 'tf-ci' },
      }),
    ]);
    expect(text).toBe(
      '2026-11-20T10:00:00Z  meshStack     Workspace User Role Removed: user carol, Workspace Member until 2026-11-19\n' +
        '2026-11-21T08:00:00Z  ApiKey tf-ci  Workspace Changed\\u{1b}[2J: tags\\u{202e}evil\\u{a}forged line\n',
    );
  });
});
