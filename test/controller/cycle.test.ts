/**
 * The full controller cycle (observe → plan → apply → plan) against the in-memory fake, the sandbox
 * over HTTP, and the sandbox's strict meshstack profile (the meshObject API alone, as a real
 * meshStack serves it): the same cases, the same expectations, except where the platform cannot tell.
 */
import { ApiError } from '../../core/errors';
import { type ApplyReport, apply } from '../../controller/apply/apply';
import type { ApiClient } from '../../controller/client/api';
import { TARGETED_OBSERVE_MAX, observe } from '../../controller/observe/observe';
import { applySavedPlan, hasChanges, planAgainst } from '../../controller/run';
import type { DesiredState, TagDefinition } from '../../schemas/desired-state.generated';
import { approvalOf } from '../../controller/plan/steps';
import { findingMessage, stepSummary } from '../../controller/render/describe';
import type { Plan } from '../../schemas/plan.generated';
import { MANAGER, MEMBER, OWNER, binding, desired, group, project, user, workspace } from '../helpers/desired';
import { PLATFORMS, type TestPlatform } from '../helpers/platforms';
import { createOwnedWorkspace } from '../helpers/ownership';
import { PARTNER } from '../helpers/sandbox';

describe.each(PLATFORMS)('controller cycle against the %s', (_name, make, caseOn) => {
  // The cases this row runs: plain ones, and those tagged with what it adds (test/helpers/platforms.ts).
  const test = caseOn;
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await make();
  });
  afterAll(() => platform.close());

  async function planFor(
    state: DesiredState,
    key = PARTNER,
    extra: { allowLastOwnerRemoval?: boolean; allowSelfLockout?: boolean; adoptUnowned?: boolean } = {},
  ): Promise<Plan> {
    return (
      await planAgainst(platform.client(key), state, { endpoint: platform.endpoint, ...extra }, await platform.now())
    ).plan;
  }

  async function converge(state: DesiredState, key = PARTNER): Promise<ApplyReport> {
    const plan = await planFor(state, key);
    expect(plan.refusals).toEqual([]);
    const report = await apply(platform.client(key), plan);
    expect(report.results.filter((r) => r.status === 'failed')).toEqual([]);
    return report;
  }

  const steps = (p: Plan) => p.workspaces.flatMap((w) => w.steps.map((s) => `${s.action} ${stepSummary(s)}`));
  const notesOf = (p: Plan, i = 0) => p.workspaces[i].notes.map(findingMessage);

  test("apply creates everything (a group binding needs the workspace's group), and the next plan is empty [extensions]", async () => {
    const team: TagDefinition = {
      metadata: { name: 'meshWorkspace.team' },
      spec: {
        targetKind: 'meshWorkspace',
        key: 'team',
        displayName: 'Team',
        valueType: { string: {} },
        restricted: false,
        mandatory: false,
        immutable: false,
      },
    };
    const state = desired(
      [
        workspace(
          'payments',
          [binding(OWNER, user('alice')), binding(MANAGER, user('bob')), binding(MEMBER, group('payments-devs'))],
          {
            projectQuota: 3,
            tags: { team: ['payments'] },
            projects: [
              project('payments', 'web', [
                binding('Project Admin', user('bob')),
                binding('Project Reader', group('payments-devs')),
              ]),
            ],
          },
        ),
      ],
      { tagDefinitions: [team] },
    );
    const report = await converge(state);
    // Two tag definitions (team, and meshform's ownership tag) and six workspace steps; meshStack's API has no quota endpoint: there the quota is a note, not a step.
    expect(report.counts).toEqual({
      applied: platform.extensions ? 10 : 9,
      'pending-approval': 0,
      waiting: 0,
      failed: 0,
      skipped: 0,
    });
    const again = await planFor(state);
    expect(steps(again)).toEqual([]);
    expect(hasChanges(again)).toBe(false);
  });

  test('authoritative: an out-of-band binding is drift and is removed; additive keeps it and says so', async () => {
    const state = desired([workspace('cy-drift', [binding(OWNER, user('alice'))])]);
    await converge(state);
    const alice = platform.client('alice');
    await alice.bindings.create({
      name: 'out-of-band',
      workspace: 'cy-drift',
      subjectKind: 'User',
      subject: 'carol',
      role: MEMBER,
    });
    const plan = await planFor(state);
    expect(steps(plan)).toEqual(['delete remove user carol: Workspace Member (not in code)']);
    const additive = await planFor(
      desired([workspace('cy-drift', [binding(OWNER, user('alice'))], { additive: true })]),
    );
    expect(steps(additive)).toEqual([]);
    expect(notesOf(additive)).toContain('user "carol" as "Workspace Member" is not in code (additive: kept).');
    await converge(state);
    expect(steps(await planFor(state))).toEqual([]);
  });

  test('a changed role is a grant, then the removal of the old one (make before break), and converges', async () => {
    await converge(desired([workspace('cy-role', [binding(OWNER, user('alice')), binding(MANAGER, user('bob'))])]));
    const changed = desired([workspace('cy-role', [binding(OWNER, user('alice')), binding(MEMBER, user('bob'))])]);
    expect(steps(await planFor(changed))).toEqual([
      'create grant user bob: Workspace Member',
      'delete remove user bob: Workspace Manager (not in code)',
    ]);
    await converge(changed);
    expect(steps(await planFor(changed))).toEqual([]);
  });

  test('an Owner swap adds before it removes, so the workspace always has an Owner', async () => {
    await converge(desired([workspace('cy-swap', [binding(OWNER, user('alice'))])]));
    const swapped = desired([workspace('cy-swap', [binding(OWNER, user('dave'))])]);
    expect(steps(await planFor(swapped))).toEqual([
      'create grant user dave: Workspace Owner',
      'delete remove user alice: Workspace Owner (not in code)',
    ]);
    await converge(swapped);
    expect(steps(await planFor(swapped))).toEqual([]);
  });

  test('with two Owners, a swap removes first so there are never three', async () => {
    await converge(desired([workspace('cy-swap2', [binding(OWNER, user('alice')), binding(OWNER, user('bob'))])]));
    const swapped = desired([workspace('cy-swap2', [binding(OWNER, user('alice')), binding(OWNER, user('carol'))])]);
    expect(steps(await planFor(swapped))).toEqual([
      'delete remove user bob: Workspace Owner (not in code)',
      'create grant user carol: Workspace Owner',
    ]);
    await converge(swapped);
  });

  test('a changed expiry grants the renewed binding, then removes the old one [days]', async () => {
    const now = await platform.now();
    const day = (n: number) => new Date(now.getTime() + n * 86_400_000).toISOString().slice(0, 10);
    await converge(
      desired([
        workspace('cy-expiry', [
          binding(OWNER, user('alice')),
          binding(MEMBER, user('carol'), { expiryDate: day(30) }),
        ]),
      ]),
    );
    const extended = desired([
      workspace('cy-expiry', [binding(OWNER, user('alice')), binding(MEMBER, user('carol'), { expiryDate: day(60) })]),
    ]);
    expect(steps(await planFor(extended))).toEqual([
      `create grant user carol: Workspace Member until ${day(60)}`,
      `delete remove user carol: Workspace Member until ${day(30)} (to replace it)`,
    ]);
    await converge(extended);
    expect(steps(await planFor(extended))).toEqual([]);
  });

  test('emergency access: a project binding with an expiry is granted, then labelled expired and removed [days]', async () => {
    const now = await platform.now();
    const until = new Date(now.getTime() + 3_600_000).toISOString();
    const state = desired([
      workspace(
        'cy-emergency',
        [binding(OWNER, user('alice')), binding(MEMBER, user('erin'), { expiryDate: until, reason: 'INC-1' })],
        {
          projects: [
            project('cy-emergency', 'prod', [
              binding('Project Admin', user('erin'), { expiryDate: until, reason: 'INC-1' }),
            ]),
          ],
        },
      ),
    ]);
    await converge(state);
    expect(steps(await planFor(state))).toEqual([]);
    await platform.advanceClock(2 * 3_600_000);
    // The platform may have removed it already (its own sweep); either way nothing is re-granted.
    const after = await planFor(state);
    expect(steps(after).every((s) => s.startsWith('delete') && s.endsWith('(expired)'))).toBe(true);
    // Where the platform keeps no project-binding expiry (meshStack's API), meshform removes it itself.
    const removedByMeshform = after.workspaces[0].steps.some((s) => s.kind === 'project-binding');
    if (!removedByMeshform)
      expect(notesOf(after)).toEqual(
        expect.arrayContaining([expect.stringMatching(/user "erin" as "Project Admin" on project "prod": expired/)]),
      );
    await apply(platform.client(PARTNER), after);
    const bindings = await platform.client(PARTNER).bindings.listProjectBindings('cy-emergency', 'prod');
    expect(bindings).toEqual([]);
    expect(steps(await planFor(state))).toEqual([]);
  });

  test('expiries found by one sweep go in the order they fell due: a project binding that ran out before its membership is labelled expired [days, extensions]', async () => {
    // erin's membership lasts through tomorrow (a day, as meshStack keeps it); her project access ends at noon tomorrow.
    const now = await platform.now();
    const tomorrow = new Date(now.getTime() + 86_400_000).toISOString().slice(0, 10);
    const state = desired([
      workspace(
        'cy-expiry-order',
        [binding(OWNER, user('alice')), binding(MEMBER, user('erin'), { expiryDate: tomorrow })],
        {
          projects: [
            project('cy-expiry-order', 'prod', [
              binding('Project Admin', user('erin'), { expiryDate: `${tomorrow}T12:00:00.000Z`, reason: 'INC-2' }),
            ]),
          ],
        },
      ),
    ]);
    await converge(state);
    // Nothing reads the platform until both have run out, so one sweep finds them together.
    await platform.advanceClock(3 * 86_400_000);
    expect(await platform.client(PARTNER).bindings.listProjectBindings('cy-expiry-order', 'prod')).toEqual([]);
    if (!platform.extensions) return; // meshStack's API serves no history
    const removals = (await platform.client(PARTNER).extensions.events('cy-expiry-order'))
      .filter((e) => e.details.subject === 'erin' && /REMOVED/.test(e.type))
      .map((e) => `${e.type} ${String(e.details.reason)}`);
    expect(removals).toEqual(['PROJECT_USER_REMOVED expired', 'USER_REMOVED expired']);
  });

  test('4-eyes: a manager’s grant waits for approval; the plan says so; another manager approves; then nothing is left [extensions]', async () => {
    await converge(desired([workspace('cy-4eyes', [binding(OWNER, user('alice')), binding(MANAGER, user('bob'))])]));
    await platform.setFourEyes(true, 2);
    try {
      const state = desired([
        workspace('cy-4eyes', [
          binding(OWNER, user('alice')),
          binding(MANAGER, user('bob')),
          binding(MEMBER, user('carol')),
        ]),
      ]);
      const plan = await planFor(state, 'bob');
      const grant = plan.workspaces[0].steps[0];
      // Without an identity endpoint (meshStack's API) the caller is not known, so bob is listed too.
      expect(grant).toMatchObject({
        approval: 'needs-approval',
        approvers: platform.extensions ? ['alice', 'a partner'] : ['alice', 'bob', 'a partner'],
      });
      expect(plan.summary.needApproval).toBe(1);
      const report = await apply(platform.client('bob'), plan);
      expect(report.counts['pending-approval']).toBe(1);
      const again = await planFor(state, 'bob');
      if (platform.extensions) {
        expect(again.workspaces[0].steps.map(approvalOf)).toEqual(['already-pending']);
        expect(hasChanges(again)).toBe(false);
      } else {
        // meshStack's API does not list pending requests: the plan says so, and shows the grant again.
        expect(again.warnings.map(findingMessage)).toEqual(
          expect.arrayContaining([expect.stringMatching(/does not show pending role requests/)]),
        );
        expect(again.workspaces[0].steps.map(approvalOf)).toEqual(['needs-approval']);
      }
      expect(await platform.approve('cy-4eyes', 'carol', MEMBER, 'bob')).toMatchObject({
        status: 403,
        message: expect.stringMatching(/cannot approve their own/),
      });
      expect(await platform.approve('cy-4eyes', 'carol', MEMBER, 'alice')).toEqual({ status: 200 });
      expect(steps(await planFor(state, 'bob'))).toEqual([]);
    } finally {
      await platform.setFourEyes(false);
    }
  });

  test('refusals: a third Owner, removing the last Owner, quota below usage [extensions]', async () => {
    await converge(
      desired([
        workspace('cy-refuse', [binding(OWNER, user('alice')), binding(OWNER, user('bob'))], {
          projects: [project('cy-refuse', 'a'), project('cy-refuse', 'b')],
        }),
      ]),
    );
    const three = await planFor(
      desired([
        workspace(
          'cy-refuse',
          [binding(OWNER, user('alice')), binding(OWNER, user('bob')), binding(OWNER, user('carol'))],
          { projects: [project('cy-refuse', 'a'), project('cy-refuse', 'b')] },
        ),
      ]),
    );
    expect(three.refusals).toEqual([expect.objectContaining({ workspace: 'cy-refuse', rule: 'owner-limit' })]);
    const none = await planFor(
      desired([
        workspace('cy-refuse', [binding(MANAGER, user('alice'))], {
          projects: [project('cy-refuse', 'a'), project('cy-refuse', 'b')],
        }),
      ]),
    );
    expect(none.refusals.map((r) => r.rule)).toEqual(['last-owner']);
    const allowed = await planFor(
      desired([
        workspace('cy-refuse', [binding(MANAGER, user('alice'))], {
          projects: [project('cy-refuse', 'a'), project('cy-refuse', 'b')],
        }),
      ]),
      PARTNER,
      { allowLastOwnerRemoval: true },
    );
    expect(allowed.refusals).toEqual([]);
    const quota = await planFor(
      desired([
        workspace('cy-refuse', [binding(OWNER, user('alice')), binding(OWNER, user('bob'))], {
          projectQuota: 1,
          projects: [project('cy-refuse', 'a'), project('cy-refuse', 'b')],
        }),
      ]),
    );
    if (platform.extensions) expect(quota.refusals.map((r) => r.rule)).toEqual(['quota-below-usage']);
    // meshStack's API has no quota endpoint: the plan says it cannot enforce the quota.
    else
      expect(notesOf(quota)).toEqual(
        expect.arrayContaining([expect.stringMatching(/cannot enforce the project quota/)]),
      );
  });

  test('self-lockout: a manager cannot plan away their own rights without the flag [extensions]', async () => {
    if (!platform.extensions) {
      // meshStack's API has no "who am I": an API key is not a workspace member, and the plan says so.
      const plan = await planFor(desired([workspace('cy-lockout-x', [binding(OWNER, user('alice'))])]), 'bob');
      expect(plan.warnings.map(findingMessage)).toEqual(
        expect.arrayContaining([expect.stringMatching(/does not tell who is calling/)]),
      );
      return;
    }
    await converge(desired([workspace('cy-lockout', [binding(OWNER, user('alice')), binding(MANAGER, user('bob'))])]));
    const state = desired([workspace('cy-lockout', [binding(OWNER, user('alice'))])]);
    const refused = await planFor(state, 'bob');
    expect(refused.refusals.map((r) => r.rule)).toEqual(['self-lockout']);
    expect(findingMessage(refused.refusals[0])).toMatch(/--allow-self-lockout/);
    expect((await planFor(state, 'bob', { allowSelfLockout: true })).refusals).toEqual([]);
  });

  test('a saved plan is refused once the platform changed; a fresh plan applies', async () => {
    const state = desired([workspace('cy-stale', [binding(OWNER, user('alice')), binding(MEMBER, user('carol'))])]);
    const saved = await planFor(state);
    await createOwnedWorkspace(platform.client(PARTNER), { name: 'cy-stale', displayName: 'someone else' });
    await expect(
      applySavedPlan(platform.client(PARTNER), saved, { endpoint: platform.endpoint, desired: state }),
    ).rejects.toThrow(/the saved plan is stale.*cy-stale/);
    await converge(state);
  });

  test('one stack owns a workspace: an unowned live one is refused until adopted, adopting records the owner, another stack is refused by name', async () => {
    const partner = platform.client(PARTNER);
    await partner.workspaces.create({ name: 'cy-own', displayName: 'made in the panel', tags: {} });
    await partner.bindings.create({
      name: 'cy-own-panel',
      workspace: 'cy-own',
      subjectKind: 'User',
      subject: 'carol',
      role: OWNER,
    });
    const code = (extra: Parameters<typeof workspace>[2] = {}) =>
      desired([workspace('cy-own', [binding(OWNER, user('alice'))], extra)]);
    const refused = await planFor(code());
    expect(refused.refusals.map((r) => r.rule)).toEqual(['workspace-unowned']);
    expect(findingMessage(refused.refusals[0])).toMatch(
      /no meshform stack owns it: this code would take it over, removing every binding it does not list\. .*meshform import --workspace cy-own/,
    );
    const adopted = {
      ...code(),
      workspaces: code().workspaces.map((w) => ({ ...w, spec: { ...w.spec, adopt: true } })),
    };
    const adopting = await planFor(adopted);
    expect(steps(adopting)).toEqual([
      'update update workspace cy-own: display name; tag meshformStack',
      'create grant user alice: Workspace Owner',
      'delete remove user carol: Workspace Owner (not in code)',
    ]);
    await converge(adopted);
    // Owned now: the same code without adopt plans nothing; another stack's code is refused with this one's name.
    expect(steps(await planFor(code()))).toEqual([]);
    const other = await planFor({ ...code(), metadata: { name: 'payments-stack' } });
    expect(other.refusals.map((r) => r.rule)).toEqual(['workspace-owned-elsewhere']);
    expect(findingMessage(other.refusals[0])).toMatch(
      /owned by meshform stack "test" \(its meshformStack tag\), not by "payments-stack"/,
    );
    expect(
      (
        await planFor({ ...code(), metadata: { name: 'payments-stack' } }, PARTNER, { adoptUnowned: true })
      ).refusals.map((r) => r.rule),
    ).toEqual(['workspace-owned-elsewhere']);
  });

  test("a workspace that left its stack's code is named in the full plan, and left alone", async () => {
    const stack = (names: string[]) => ({
      ...desired(names.map((n) => workspace(n, [binding(OWNER, user('alice'))]))),
      metadata: { name: 'left-stack' },
    });
    await converge(stack(['cy-left-a', 'cy-left-b']));
    const dropped = await planFor(stack(['cy-left-a']));
    expect(steps(dropped)).toEqual([]);
    expect(dropped.warnings.filter((w) => w.rule === 'left-the-code').map(findingMessage)).toEqual([
      '1 live workspace(s) that stack "left-stack" owns are no longer in its code, and meshform leaves them alone: cy-left-b. Declare them again, delete them (deletion in code), or release them by deleting their meshformStack tag.',
    ]);
    // A scoped plan (one workspace, a Terraform anchor) does not look beyond its workspaces.
    const scoped = (
      await planAgainst(
        platform.client(PARTNER),
        stack(['cy-left-a']),
        { endpoint: platform.endpoint, workspaces: ['cy-left-a'] },
        await platform.now(),
      )
    ).plan;
    expect(scoped.warnings.map((w) => w.rule)).not.toContain('left-the-code');
  });

  test('a forged saved plan is not applied: apply plans again and applies only the same steps, every rule checked again', async () => {
    const state = desired([
      workspace('cy-forge', [
        binding(OWNER, user('alice')),
        binding(OWNER, user('dave')),
        binding(MEMBER, user('carol')),
      ]),
    ]);
    await converge(state);
    // An honest plan (one new member), then steps appended that remove both Owners: the summary stays harmless.
    const next = desired([
      workspace('cy-forge', [
        binding(OWNER, user('alice')),
        binding(OWNER, user('dave')),
        binding(MEMBER, user('carol')),
        binding(MEMBER, user('erin')),
      ]),
    ]);
    const honest = await planFor(next);
    const owners = (await platform.client(PARTNER).bindings.listWorkspaceBindings({ workspace: 'cy-forge' })).filter(
      (b) => b.role === OWNER,
    );
    const forged = structuredClone(honest);
    forged.workspaces[0].steps.push(
      ...owners.map((b) => ({
        id: `cy-forge:workspace-binding:${b.name}:delete`,
        kind: 'workspace-binding' as const,
        action: 'delete' as const,
        workspace: 'cy-forge',
        reason: 'drift' as const,
        binding: { name: b.name, subjectKind: b.subjectKind, subject: b.subject, role: b.role },
      })),
    );
    const ctx = { endpoint: platform.endpoint, desired: next };
    // Both forged removals are named, in the order the platform lists the bindings (newest first).
    const refused = applySavedPlan(platform.client(PARTNER), forged, ctx);
    await expect(refused).rejects.toThrow(/the saved plan is stale/);
    for (const owner of ['alice', 'dave'])
      await expect(refused).rejects.toThrow(
        new RegExp(`\\n {2}in the saved plan, not planned now: remove user ${owner}: Workspace Owner`),
      );
    expect(
      (await platform.client(PARTNER).bindings.listWorkspaceBindings({ workspace: 'cy-forge' })).filter(
        (b) => b.role === OWNER,
      ),
    ).toHaveLength(2);
    // A plan made from other code, or with an override apply was not given, is refused too.
    await expect(applySavedPlan(platform.client(PARTNER), honest, { ...ctx, desired: state })).rejects.toThrow(
      /the saved plan was made from another manifest/,
    );
    await expect(
      applySavedPlan(
        platform.client(PARTNER),
        { ...honest, options: { ...honest.options, allowLastOwnerRemoval: true } },
        ctx,
      ),
    ).rejects.toThrow(/made with --allow-last-owner-removal: pass it to apply too/);
    // The honest plan applies, as planned again.
    const report = await applySavedPlan(platform.client(PARTNER), honest, ctx);
    expect(report.results.map((r) => `${r.status} ${r.step.id}`)).toEqual(
      honest.workspaces[0].steps.map((s) => `applied ${s.id}`),
    );
  });

  test('a failure half-way reports what was done and skipped, other workspaces proceed, and a re-run converges', async () => {
    const state = desired([
      workspace('cy-fail-a', [
        binding(OWNER, user('alice')),
        binding(MEMBER, user('carol')),
        binding(MEMBER, user('dave')),
      ]),
      workspace('cy-fail-b', [binding(OWNER, user('dave'))]),
    ]);
    const plan = await planFor(state);
    const real = platform.client(PARTNER);
    let calls = 0;
    // The first binding write to workspace a fails, as a platform error would: the later ones must be skipped.
    const flaky: ApiClient = {
      ...real,
      stats: real.stats,
      info: () => real.info(),
      bindings: {
        ...real.bindings,
        create: async (b) => {
          if (b.workspace === 'cy-fail-a' && ++calls === 1)
            throw new ApiError('POST', '/bindings', 400, 'injected', false);
          return real.bindings.create(b);
        },
      },
    };
    const report = await apply(flaky, plan);
    expect(report.results.map((r) => `${'workspace' in r.step ? r.step.workspace : ''}:${r.status}`)).toEqual([
      'cy-fail-a:applied',
      'cy-fail-a:failed',
      'cy-fail-a:skipped',
      'cy-fail-a:skipped',
      'cy-fail-b:applied',
      'cy-fail-b:applied',
    ]);
    expect(report.results[1].error?.message).toMatch(/^create failed: POST \/bindings failed: 400 injected/);
    expect(report.results.slice(2, 4).map((r) => r.after)).toEqual([
      report.results[1].step.id,
      report.results[1].step.id,
    ]);
    // Nothing skipped was written: the next plan has exactly the three grants.
    const rest = await planFor(state);
    expect(steps(rest)).toEqual([
      'create grant user carol: Workspace Member',
      'create grant user dave: Workspace Member',
      'create grant user alice: Workspace Owner',
    ]);
    await converge(state);
    expect(steps(await planFor(state))).toEqual([]);
  });

  test('declared deletion: projects first, then the workspace', async () => {
    await converge(
      desired([workspace('cy-delete', [binding(OWNER, user('alice'))], { projects: [project('cy-delete', 'old')] })]),
    );
    const gone = desired([
      workspace('cy-delete', [binding(OWNER, user('alice'))], {
        deletion: 'team dissolved',
        projects: [project('cy-delete', 'old', [], { deletion: 'obsolete' })],
      }),
    ]);
    // meshStack deletes projects asynchronously and refuses the workspace until they are gone: two runs.
    // The workspace's step is planned at once (who may delete it is checked before any project goes) and waits.
    const first = await planFor(gone);
    expect(steps(first)).toEqual([
      'delete delete project old (obsolete)',
      'delete delete workspace cy-delete (team dissolved): waits until the deletion of project(s) old has finished',
    ]);
    // A platform that takes no deletion reason (meshStack) also says the reason stays in the code only.
    expect(notesOf(first).filter((n) => !n.startsWith('the deletion reason is not recorded'))).toEqual([
      expect.stringMatching(/deleted by a later run, once the deletion of project\(s\) old has finished/),
    ]);
    expect((await converge(gone)).counts.waiting).toBe(1);
    // Until the platform has finished, the waiting deletion is a change still to make.
    expect(steps(await planFor(gone))).toEqual([
      'delete delete workspace cy-delete (team dissolved): waits until the deletion of project(s) old has finished',
    ]);
    await platform.advanceClock(61_000);
    expect(steps(await planFor(gone))).toEqual(['delete delete workspace cy-delete (team dissolved)']);
    await converge(gone);
    const after = await planFor(gone);
    expect(after.workspaces[0]).toMatchObject({ state: 'absent', steps: [] });
    expect(notesOf(after)).toEqual(['declared for deletion and already gone.']);
  });
  test('observing a few workspaces reads no list of the whole estate: statuses and pending requests filtered by workspace too [extensions]', async () => {
    // A Terraform anchor or the provider observes one workspace per call: an unfiltered list there costs the estate's size on every call.
    await converge(desired([workspace('payments', [binding(OWNER, user('alice'))])]));
    const calls: string[] = [];
    const api = platform.client(PARTNER);
    const traced = new Proxy(api.extensions, {
      get: (t, k) =>
        typeof t[k as keyof typeof t] === 'function'
          ? (...args: unknown[]) => (
              calls.push(`${String(k)}(${JSON.stringify(args)})`),
              (t[k as keyof typeof t] as (...a: unknown[]) => unknown)(...args)
            )
          : t[k as keyof typeof t],
    });
    await observe(Object.assign(Object.create(api), { extensions: traced }), {
      workspaces: ['payments'],
      now: await platform.now(),
    });
    expect(
      calls.filter((c) => /^(workspaceStatuses|listRequests)\(/.test(c) && !c.includes('"workspaces":["payments"]')),
    ).toEqual([]);
  });

  test('observing a few workspaces reads them by name and filter: the same state, and a cost that does not grow with the estate [extensions]', async () => {
    // GIVEN one workspace with a group binding (groups live in their workspace), observed before and after 25 others appear
    const one = desired([
      workspace('payments', [binding(OWNER, user('alice')), binding(MEMBER, group('payments-devs'))], {
        projects: [project('payments', 'web', [binding('Project User', user('alice'))])],
      }),
    ]);
    await converge(one);
    const cost = async () => {
      const api = platform.client(PARTNER);
      const before = api.stats.total;
      const live = await observe(api, { workspaces: ['payments'], now: await platform.now() });
      return { live, requests: api.stats.total - before };
    };
    const small = await cost();
    await converge(
      desired(
        Array.from({ length: 25 }, (_, i) =>
          workspace(`cy-other-${i}`, [binding(OWNER, user('bob'))], { projects: [project(`cy-other-${i}`, 'p')] }),
        ),
      ),
    );
    const large = await cost();
    // THEN the state is what a full observe sees, at the same number of requests
    const full = await observe(platform.client(PARTNER), {
      workspaces: [...Array.from({ length: TARGETED_OBSERVE_MAX + 1 }, (_, i) => `cy-none-${i}`), 'payments'],
      now: await platform.now(),
    });
    expect(large.live.workspaces.payments).toEqual(full.workspaces.payments);
    expect(large.live.workspaces.payments.bindings.map((b) => b.subject).sort()).toEqual(['alice', 'payments-devs']);
    expect(Object.keys(large.live.workspaces.payments.projects)).toEqual(['web']);
    expect(large.requests).toBe(small.requests);
    // Each more workspace costs its own reads (object, projects, user bindings, two lists per project); the group bindings, which meshStack cannot filter, and where the platform has them the statuses and pending requests (filtered by workspace), are read once.
    const api = platform.client(PARTNER);
    const before = api.stats.total;
    await observe(api, { workspaces: ['payments', 'cy-other-0', 'cy-other-1'], now: await platform.now() });
    expect(api.stats.total - before).toBe(small.requests + 2 * 5);
  });
});
