/**
 * ReadResource's drift is meshform's plan undone: each step of planning the state's declaration
 * against the platform writes the platform's side back into the state. A table per step kind, and
 * the values of workspace entries (import) and back.
 */
import type { Step } from '../../../schemas/plan.generated';
import { driftedState } from '../../../provider/resources/workspace';
import { type Obj, entryOf, text, valueOf } from '../../../provider/resources/workspace-value';

const NOW = new Date('2027-03-10T12:00:00Z');
const b = (role: string, user: string, extra: Obj = {}): Obj => ({
  role,
  user,
  group: null,
  invite: null,
  expiry_date: null,
  reason: null,
  status: 'active',
  ...extra,
});
const state = (extra: Obj = {}): Obj => ({
  ...valueOf({ identifier: 'pay', displayName: 'Payments', tags: { team: ['payments'] } }),
  binding: [b('Workspace Owner', 'alice'), b('Workspace Member', 'bob', { expiry_date: '2027-04-01' })],
  project: [
    {
      identifier: 'pay-dev',
      display_name: 'Dev',
      tags: null,
      deletion_reason: null,
      binding: [b('Project Admin', 'bob')],
    },
  ],
  owner_stack: 'terraform',
  ...extra,
});
const grant = (role: string, name: string, extra: object = {}) =>
  ({
    kind: 'workspace-binding',
    action: 'create',
    workspace: 'pay',
    reason: 'missing',
    grant: { name: 'x', subject: { kind: 'User', name }, role },
    approval: 'auto',
    ...extra,
  }) as unknown as Step;
const removal = (role: string, subject: string, reason: string, extra: object = {}) =>
  ({
    kind: 'workspace-binding',
    action: 'delete',
    workspace: 'pay',
    reason,
    binding: { name: 'y', subjectKind: 'User', subject, role },
    ...extra,
  }) as unknown as Step;
const users = (s: Obj | null) =>
  (s!.binding as Obj[]).map((x) => `${text(x.user)}:${text(x.role)}:${text(x.status)}`).sort();

describe('driftedState: the platform side of each step', () => {
  test('no steps: the state as it is, statuses from the expiry dates', () => {
    expect(driftedState(state(), [], NOW)).toEqual(state());
    expect(users(driftedState(state(), [], new Date('2027-04-02T00:00:00Z')))).toEqual([
      'alice:Workspace Owner:active',
      'bob:Workspace Member:expired',
    ]);
  });

  test.each([
    [
      'a workspace to create: the resource is gone',
      [{ kind: 'workspace', action: 'create' }],
      (s: Obj | null) => expect(s).toBeNull(),
    ],
    [
      'a display name or tag changed in meshPanel: the live value',
      [
        {
          kind: 'workspace',
          action: 'update',
          before: { displayName: 'Payments (panel)', tags: { team: ['pay'], meshformStack: ['terraform'] } },
          after: { displayName: 'Payments', tags: { team: ['payments'], meshformStack: ['terraform'] } },
        },
      ],
      (s: Obj | null) =>
        expect(s).toMatchObject({
          display_name: 'Payments (panel)',
          tags: { team: ['pay'] },
          owner_stack: 'terraform',
        }),
    ],
    [
      // The planner's step names only the tags that differ: a declared tag it does not name is live as declared.
      'only the display name changed in meshPanel: the declared tags are live, unchanged',
      [
        {
          kind: 'workspace',
          action: 'update',
          before: { displayName: 'Payments (panel)', tags: {} },
          after: { displayName: 'Payments', tags: {} },
        },
      ],
      (s: Obj | null) => expect(s).toMatchObject({ display_name: 'Payments (panel)', tags: { team: ['payments'] } }),
    ],
    [
      'an imported workspace claimed by this stack: its live tags stay (-generate-config-out writes them)',
      [
        {
          kind: 'workspace',
          action: 'update',
          before: { displayName: 'Payments', tags: { meshformStack: [] } },
          after: { displayName: 'Payments', tags: { meshformStack: ['terraform'] } },
        },
      ],
      (s: Obj | null) => expect(s).toMatchObject({ owner_stack: null, tags: { team: ['payments'] } }),
    ],
    [
      'an undeclared tag meshform would remove: shown, so the plan shows its removal',
      [
        {
          kind: 'workspace',
          action: 'update',
          before: { displayName: 'Payments', tags: { team: ['payments'], cost: ['1'] } },
          after: { displayName: 'Payments', tags: { team: ['payments'] } },
        },
      ],
      (s: Obj | null) => expect(s!.tags).toEqual({ team: ['payments'], cost: ['1'] }),
    ],
    [
      'the ownership tag missing: owner_stack null, and no tag attribute for it',
      [
        {
          kind: 'workspace',
          action: 'update',
          before: { displayName: 'Payments', tags: { team: ['payments'] } },
          after: { displayName: 'Payments', tags: { team: ['payments'], meshformStack: ['terraform'] } },
        },
      ],
      (s: Obj | null) => expect(s).toMatchObject({ owner_stack: null, tags: { team: ['payments'] } }),
    ],
    [
      'status and quota: their live values',
      [
        { kind: 'workspace-status', before: 'disabled', after: 'active' },
        { kind: 'workspace-quota', before: 3, after: 5 },
      ],
      (s: Obj | null) => expect(s).toMatchObject({ status: 'disabled', project_quota: 3 }),
    ],
    [
      'a project to create: not in the state',
      [{ kind: 'project', action: 'create', project: 'pay-dev' }],
      (s: Obj | null) => expect(s!.project).toEqual([]),
    ],
  ])('%s', (_name, steps, check) => {
    check(driftedState(state(), steps as unknown as Step[], NOW));
  });

  test('a grant to make drops the binding; a renewal shows the live expiry', () => {
    const s = driftedState(
      state(),
      [
        grant('Workspace Owner', 'alice'),
        grant('Workspace Member', 'bob', {
          reason: 'replaced',
          replaces: {
            name: 'y',
            subjectKind: 'User',
            subject: 'bob',
            role: 'Workspace Member',
            expiryDate: '2027-03-20',
          },
        }),
      ],
      NOW,
    );
    expect(users(s)).toEqual(['bob:Workspace Member:active']);
    expect((s!.binding as Obj[])[0].expiry_date).toBe('2027-03-20');
  });

  test('an out-of-band binding an authoritative workspace removes appears; an expired one still live is "active" until removed', () => {
    const s = driftedState(
      state({ binding: [b('Workspace Owner', 'alice'), b('Workspace Member', 'bob', { expiry_date: '2027-03-01' })] }),
      [removal('Workspace Member', 'carol', 'drift'), removal('Workspace Member', 'bob', 'expired')],
      NOW,
    );
    expect(users(s)).toEqual([
      'alice:Workspace Owner:active',
      'bob:Workspace Member:active',
      'carol:Workspace Member:active',
    ]);
  });

  test('project bindings are found in their project', () => {
    const s = driftedState(
      state(),
      [grant('Project Admin', 'bob', { kind: 'project-binding', project: 'pay-dev' })],
      NOW,
    );
    expect((s!.project as Obj[])[0].binding).toEqual([]);
    expect(users(s)).toHaveLength(2);
  });
});

describe('workspace values and entries', () => {
  test('an imported entry becomes a value whose entry is the same workspace', () => {
    const entry = {
      identifier: 'w',
      displayName: 'W',
      tags: { a: ['1', '2'] },
      status: 'active' as const,
      projectQuota: 2,
      bindingManagement: 'additive' as const,
      bindings: [
        { role: 'Workspace Owner', user: 'alice', expiryDate: '2027-01-01' },
        { role: 'Workspace Member', invite: { firstName: 'E', lastName: 'F', email: 'e@example.com' } },
      ],
      projects: [{ identifier: 'p', displayName: 'P', bindings: [{ role: 'Project Reader', group: 'g' }] }],
    };
    expect(entryOf(valueOf(entry))).toEqual(entry);
  });
});
