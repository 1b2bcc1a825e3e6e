/**
 * What import decides from a live state: entries as a person writes them (one tag value as a
 * string, Owners first, no empty lists), and a note for each thing the code cannot say.
 */
import { importEstate } from '../../../controller/import/model';
import type { LiveBinding } from '../../../controller/client/types';
import type { LiveState, LiveWorkspaceState } from '../../../controller/observe/live-state';

const b = (name: string, role: string, subject: string, extra: Partial<LiveBinding> = {}): LiveBinding => ({
  name,
  workspace: 'w',
  subjectKind: 'User',
  subject,
  role,
  ...extra,
});

function live(ws: Partial<LiveWorkspaceState>, platform: Partial<LiveState['platform']> = {}): LiveState {
  return {
    observedAt: '2026-12-01T00:00:00Z',
    platform: {
      version: 'x',
      fourEyes: { enabled: false, minApprovalCount: 2 },
      capabilities: [],
      recertification: { 'Workspace Manager': 30 },
      ...platform,
    },
    tagDefinitions: [],
    workspaces: {
      w: {
        name: 'w',
        displayName: 'W',
        tags: {},
        bindings: [],
        projects: {},
        pendingRequests: [],
        deletingProjects: [],
        status: { name: 'w', status: 'active', approval: 'approved', projectQuota: null, projectCount: 0 },
        ...ws,
      },
    },
    deletedWorkspaces: [],
    usersByEmail: {},
  };
}

test('an entry as a person writes it: Owners first, one tag value as a string, several as a list, no empty tag, no quota the platform does not set', () => {
  const estate = importEstate(
    live({
      tags: { a: ['1'], b: ['x', 'y'], empty: [] },
      bindings: [
        b('1', 'Workspace Member', 'zed'),
        b('2', 'Workspace Owner', 'amy', { expiryDate: '2027-01-01' }),
        b('3', 'Workspace Member', 'devs', { subjectKind: 'Group' }),
      ],
    }),
    { bindingManagement: 'additive', stack: 'test' },
  );
  expect(estate.workspaces[0].entry).toEqual({
    identifier: 'w',
    displayName: 'W',
    tags: { a: '1', b: ['x', 'y'] },
    bindingManagement: 'additive',
    bindings: [
      { role: 'Workspace Owner', user: 'amy', expiryDate: '2027-01-01' },
      { role: 'Workspace Member', group: 'devs' },
      { role: 'Workspace Member', user: 'zed' },
    ],
  });
  expect(estate.workspaces[0].notes).toEqual([]);
  expect(estate.recertification).toEqual({ 'Workspace Manager': 30 });
});

test('a disabled workspace and its quota are written', () => {
  const estate = importEstate(
    live({ status: { name: 'w', status: 'disabled', approval: 'approved', projectQuota: 4, projectCount: 1 } }),
    { bindingManagement: 'authoritative', stack: 'test' },
  );
  expect(estate.workspaces[0].entry).toMatchObject({
    status: 'disabled',
    projectQuota: 4,
    bindingManagement: 'authoritative',
  });
});

test.each<[string, Partial<LiveWorkspaceState>, RegExp]>([
  [
    'a request waiting for approval',
    {
      pendingRequests: [
        {
          id: 'r1',
          status: 'PENDING',
          workspace: 'w',
          bindingName: 'n',
          subjectKind: 'User',
          subject: 'bob',
          role: 'Workspace Manager',
          requestedBy: 'amy',
          requestedAt: '2026-11-30T10:00:00Z',
          approvals: [],
        },
      ],
    },
    /request r1: "Workspace Manager" for bob waits for approval since 2026-11-30; not written/,
  ],
  [
    'a project being deleted',
    { deletingProjects: ['old'] },
    /project old is being deleted on the platform: not written/,
  ],
  [
    'the same role twice for one subject',
    {
      bindings: [
        b('1', 'Workspace Member', 'zed', { expiryDate: '2027-01-01' }),
        b('2', 'Workspace Member', 'zed', { expiryDate: '2026-12-24' }),
      ],
    },
    /binding 2 gives zed "Workspace Member" a second time \(until 2026-12-24\): not written/,
  ],
  [
    'a workspace waiting for approval',
    { status: { name: 'w', status: 'active', approval: 'pending', projectQuota: null, projectCount: 0 } },
    /the workspace waits for approval on the platform/,
  ],
  ['a platform that shows no status', { status: undefined }, /the platform does not show status or project quota/],
])('%s is a note, at its workspace', (_what, ws, text) => {
  const notes = importEstate(live(ws), { bindingManagement: 'additive', stack: 'test' }).workspaces[0].notes;
  expect(notes).toEqual([expect.objectContaining({ workspace: 'w', text: expect.stringMatching(text) })]);
});

test('a platform that does not show its recertification settings gets no RolePolicy, and a note that says so', () => {
  const estate = importEstate(live({}, { recertification: undefined }), {
    bindingManagement: 'additive',
    stack: 'test',
  });
  expect(estate.recertification).toBeUndefined();
  expect(estate.notes.map((n) => n.text)).toEqual([
    expect.stringMatching(/does not show its recertification settings.*no RolePolicy is written/),
  ]);
});

test("ownership: the tag is meshform's, not written as code; unowned workspaces are to be claimed; another stack's are not imported", () => {
  const state = live({ tags: { meshformStack: ['test'], team: ['a'] } });
  const mine = importEstate(state, { bindingManagement: 'additive', stack: 'test' });
  expect(mine.workspaces[0].entry.tags).toEqual({ team: 'a' });
  expect(mine.unowned).toEqual([]);
  const theirs = importEstate(state, { bindingManagement: 'additive', stack: 'other' });
  expect(theirs.workspaces).toEqual([]);
  expect(theirs.notes.map((n) => n.text)).toContain(
    'workspace w is owned by meshform stack "test": not imported (one stack owns a workspace)',
  );
  const unowned = live({ tags: { team: ['a'] } });
  expect(importEstate(unowned, { bindingManagement: 'additive', stack: 'test' }).unowned).toEqual(['w']);
  // --no-claim: the code adopts it instead, and nothing is claimed.
  const adopting = importEstate(unowned, { bindingManagement: 'additive', stack: 'test', adopt: true });
  expect(adopting.unowned).toEqual([]);
  expect(adopting.workspaces[0].entry.adopt).toBe(true);
});
