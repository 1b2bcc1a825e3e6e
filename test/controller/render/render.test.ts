import type { ApplyReport } from '../../../controller/apply/apply';
import type { LiveState } from '../../../controller/observe/live-state';
import MarkdownIt from 'markdown-it';
import { plan } from '../../../controller/plan/plan';
import { stepSummary } from '../../../controller/render/describe';
import { renderPlanMarkdown } from '../../../controller/render/markdown';
import { renderApplyText, renderPlanText } from '../../../controller/render/text';
import { OWNERSHIP_TAG_DEFINITION } from '../../../core/rules';
import { MANAGER, MEMBER, OWNER, binding, desired, project, user, workspace } from '../../helpers/desired';
import { ownedBy } from '../../helpers/ownership';

const NOW = new Date('2026-11-25T12:00:00Z');
const live: LiveState = {
  observedAt: NOW.toISOString(),
  platform: {
    version: '2026.34.0',
    fourEyes: { enabled: true, minApprovalCount: 2 },
    recertification: {},
    capabilities: ['workspace-quota', 'workspace-status', 'whoami', 'invitations', 'grant-reasons', 'deletion-reasons'],
  },
  caller: {
    username: 'bob',
    partner: false,
    workspaces: { payments: [MANAGER] },
  },
  // A platform meshform has run on: its ownership tag is defined, and this stack owns payments.
  tagDefinitions: [OWNERSHIP_TAG_DEFINITION],
  usersByEmail: {},
  deletedWorkspaces: [],
  workspaces: {
    payments: {
      name: 'payments',
      displayName: 'Payments',
      tags: ownedBy(),
      status: {
        name: 'payments',
        status: 'active',
        approval: 'approved',
        projectQuota: 5,
        projectCount: 1,
      },
      pendingRequests: [],
      deletingProjects: [],
      bindings: [
        {
          name: 'b1',
          workspace: 'payments',
          subjectKind: 'User',
          subject: 'alice',
          role: OWNER,
        },
        {
          name: 'b2',
          workspace: 'payments',
          subjectKind: 'User',
          subject: 'bob',
          role: MANAGER,
        },
        {
          name: 'b3',
          workspace: 'payments',
          subjectKind: 'User',
          subject: 'mallory',
          role: MEMBER,
        },
        {
          name: 'b4',
          workspace: 'payments',
          subjectKind: 'User',
          subject: 'erin',
          role: MEMBER,
          expiryDate: '2026-11-20',
        },
      ],
      projects: {
        prod: {
          workspace: 'payments',
          name: 'prod',
          displayName: 'prod',
          tags: {},
          bindings: [],
        },
      },
    },
  },
};
const state = desired([
  workspace(
    'payments',
    [
      binding(OWNER, user('alice')),
      binding(MANAGER, user('bob')),
      binding(MEMBER, user('carol'), { reason: 'new hire' }),
      binding(MEMBER, user('erin'), { expiryDate: '2026-11-20' }),
    ],
    {
      displayName: 'Payments Team',
      projects: [project('payments', 'prod', [binding('Project Reader', user('bob'))])],
    },
  ),
]);
const p = plan(state, live, { endpoint: 'https://meshstack.example.com' }, NOW);

describe('renderers', () => {
  test('text: Terraform-like lines per workspace and the summary line, no colour without a terminal', () => {
    const text = renderPlanText(p, { color: false });
    expect(text).not.toMatch(/\u001b\[/);
    expect(text).toMatchInlineSnapshot(`
     "meshStack 2026.34.0 at https://meshstack.example.com; 4-eyes on, as bob

       # workspace payments
       ~ update workspace payments: display name
           display name: "Payments" → "Payments Team"
       + grant user carol: Workspace Member (new hire)  [needs a second approval: alice, a partner]
       + grant user bob: Project Reader on project prod  [needs a second approval: alice, a partner]
       - remove user erin: Workspace Member until 2026-11-20 (expired)
       - remove user mallory: Workspace Member (not in code)

     Warning: 4-eyes is on and the platform does not show pending role requests: a grant waiting for approval is planned again until it is approved (approve in meshPanel under Workspace Access > Access Requests).

     Warning: workspace "payments" is authoritative and has 1 binding(s) meshform did not create and the code does not declare (b3): this plan removes them. If terraform-provider-meshstack or another tool manages them, the two undo each other on every run: manage a workspace with one tool only (docs/terraform-provider-meshstack.md).

     Plan: 2 to add, 1 to change, 1 to remove, 1 expired; 2 need a second approval.
     Plan digest: sha256:b1c2bbf58468a27a3f0e0a3d5695c7c7d7a26eef632cf3cfa07fff21d43c2d29 (meshform apply --expect-digest applies exactly this plan)
     "
    `);
  });

  test('text: the values a reviewer judges by: tags of new objects, drift old → new, quota, status, project changes, invitations, renewals', () => {
    const frank = {
      kind: 'User' as const,
      name: 'frank@example.com',
      invitation: {
        firstName: 'Frank',
        lastName: 'Example',
        email: 'frank@example.com',
      },
    };
    const code = desired([
      workspace(
        'payments',
        [
          binding(OWNER, user('alice')),
          binding(MANAGER, user('bob')),
          binding(MEMBER, user('erin'), { expiryDate: '2027-03-31' }),
          binding(MEMBER, frank, { expiryDate: '2027-01-31' }),
        ],
        {
          tags: { costCenter: ['CC-2002'] },
          projectQuota: 8,
          status: 'disabled',
          projects: [
            project('payments', 'prod', [], {
              displayName: 'Production',
              tags: { environment: ['prod'] },
            }),
          ],
        },
      ),
      workspace('checkout', [binding(OWNER, user('alice'))], {
        displayName: 'Checkout',
        tags: { costCenter: ['CC-3003'] },
        projects: [project('checkout', 'web', [], { tags: { environment: ['dev'] } })],
      }),
    ]);
    const observed: LiveState = {
      ...live,
      tagDefinitions: [
        ...live.tagDefinitions,
        {
          metadata: { name: 'meshWorkspace.costCenter' },
          spec: {
            targetKind: 'meshWorkspace',
            key: 'costCenter',
            displayName: 'Cost center',
            valueType: { string: {} },
            restricted: false,
            mandatory: false,
            immutable: false,
          },
        },
      ],
      platform: {
        ...live.platform,
        fourEyes: { enabled: false, minApprovalCount: 2 },
      },
      caller: { username: 'partner.admin', partner: true, workspaces: {} },
      workspaces: {
        payments: {
          ...live.workspaces.payments,
          displayName: 'payments',
          tags: { costCenter: ['CC-6666'], ...ownedBy() },
          bindings: [
            ...live.workspaces.payments.bindings.filter((b) => b.subject !== 'mallory' && b.subject !== 'erin'),
            {
              name: 'b5',
              workspace: 'payments',
              subjectKind: 'User',
              subject: 'erin',
              role: MEMBER,
              expiryDate: '2026-12-31',
            },
          ],
          projects: {
            prod: {
              ...live.workspaces.payments.projects.prod,
              displayName: 'prod',
              tags: { environment: ['dev'] },
            },
          },
        },
      },
    };
    const text = renderPlanText(plan(code, observed, { endpoint: 'https://meshstack.example.com' }, NOW), {
      color: false,
    });
    expect(text).toMatchInlineSnapshot(`
     "meshStack 2026.34.0 at https://meshstack.example.com; 4-eyes off, as partner.admin (partner)

       # workspace payments
       ~ update workspace payments: tag costCenter
           tag costCenter: CC-6666 → CC-2002
       ~ set project quota of payments: 5 → 8
       ~ update project prod: display name; tag environment
           display name: "prod" → "Production"
           tag environment: dev → prod
       + grant user erin: Workspace Member until 2027-03-31
           expiry: 2026-12-31 → 2027-03-31
       + grant invited user frank@example.com (Frank Example): Workspace Member until 2027-01-31
           invitation to Frank Example <frank@example.com>
       - remove user erin: Workspace Member until 2026-12-31 (to replace it)
       ~ set status of payments: active → disabled

       # workspace checkout (absent)
       + create workspace checkout "Checkout"
           tag costCenter: CC-3003
           tag meshformStack: test
       + create project web "web"
           tag environment: dev
       + grant user alice: Workspace Owner

     Plan: 5 to add, 4 to change, 1 to remove, 0 expired.
     Plan digest: sha256:1037a3916718e1e5bf570766ee52ca903873bdadd3aa8fd073ee52f500432a7b (meshform apply --expect-digest applies exactly this plan)
     "
    `);
  });

  test('text: colour when asked for (a terminal), whatever the environment says, and the same words', () => {
    const colored = renderPlanText(p, { color: true });
    expect(colored).toMatch(/\u001b\[32m\+ grant user carol/);
    expect(colored.replace(/\u001b\[[0-9;]*m/g, '')).toBe(renderPlanText(p, { color: false }));
  });

  test('markdown: a summary table, warnings for removals, approvals explained, collapsible details', () => {
    expect(renderPlanMarkdown(p)).toMatchSnapshot();
  });

  test('platform text cannot steer a terminal, forge a plan line, close the comment’s code fence or add a link', () => {
    const hostile =
      'mallory\u001b[2J\r\n  + grant user eve: Workspace Owner ```\n[approve here](https://evil.example.com) <img src=x>';
    const ws = live.workspaces.payments;
    const observed: LiveState = {
      ...live,
      workspaces: {
        payments: {
          ...ws,
          bindings: ws.bindings.map((b) => (b.subject === 'mallory' ? { ...b, subject: hostile } : b)),
        },
      },
    };
    const hostilePlan = plan(state, observed, { endpoint: 'https://meshstack.example.com' }, NOW);
    for (const color of [false, true]) {
      const text = renderPlanText(hostilePlan, { color });
      expect(text).not.toContain('\u001b[2J');
      expect(text).not.toContain('\r');
      // The forged grant stays on the removal's own line, escaped, never a line of its own.
      expect(text.split('\n').filter((l) => /^\s*\+ grant user eve/.test(l))).toEqual([]);
      expect(text).toContain('mallory\\u{1b}[2J\\u{d}\\u{a}');
    }
    const comment = renderPlanMarkdown(hostilePlan);
    // The diff block is fenced with more backticks than the name holds; the warning escapes the link and the HTML.
    expect(comment).toMatch(/^````diff$/m);
    expect(comment).not.toMatch(/^```$/m);
    const outsideFences = comment.replace(/^(`{3,})diff$[\s\S]*?^\1$/gm, '');
    expect(outsideFences).not.toContain('[approve here](https://evil.example.com)');
    expect(outsideFences).not.toContain('<img');
    expect(outsideFences).toContain('\\[approve here\\](https://evil.example.com) &lt;img src=x&gt;');
  });

  test('markdown: platform text outside the diff (version, endpoint, names) is escaped or in a code span', () => {
    const evil = 'v1 ![x](https://evil.example.com/x.png)\n# Approve here\n<a href=https://evil.example.com>ok</a>`';
    const hostilePlan = plan(state, live, { endpoint: 'https://meshstack.example.com' }, NOW);
    const forged = {
      ...hostilePlan,
      manifest: { ...hostilePlan.manifest, name: evil },
      platform: { ...hostilePlan.platform, version: evil, endpoint: evil },
      workspaces: hostilePlan.workspaces.map((w) => ({ ...w, name: evil })),
    };
    // Rendered as GitHub renders a comment: CommonMark with raw HTML allowed.
    const rendered = new MarkdownIt({ html: true }).render(renderPlanMarkdown(forged));
    const tags = [...rendered.matchAll(/<([a-z0-9]+)/g)].map((m) => m[1]);
    const OWN_TAGS = 'h3 table thead tbody tr th td p details summary code pre sub strong ul li blockquote'.split(' ');
    expect([...new Set(tags)].filter((t) => !OWN_TAGS.includes(t))).toEqual([]);
    expect(tags.filter((t) => t === 'h3')).toHaveLength(1);
    expect(rendered).not.toMatch(/<h[1-6]>Approve/);
  });

  test('apply report: one line per step and the counts', () => {
    const step = (summary: string) => p.workspaces[0].steps.find((s) => stepSummary(s).startsWith(summary))!;
    const [update, expired, drift, carol, bob] = [
      'update workspace',
      'remove user erin',
      'remove user mallory',
      'grant user carol',
      'grant user bob',
    ].map(step);
    const report: ApplyReport = {
      results: [
        { step: update, status: 'applied' },
        { step: expired, status: 'applied' },
        {
          step: drift,
          status: 'failed',
          error: {
            code: 'api-403',
            message: 'delete failed: DELETE /api/meshobjects/meshworkspacebindings/userbindings/b3 failed: 403 denied',
            class: 'terminal',
          },
        },
        {
          step: carol,
          status: 'skipped',
          after: drift.id,
          error: {
            code: 'skipped',
            message: 'skipped: an earlier step of this workspace failed',
            class: 'skipped',
          },
        },
        { step: bob, status: 'pending-approval', requestId: 'r-1' },
      ],
      counts: { applied: 2, 'pending-approval': 1, waiting: 0, failed: 1, skipped: 1 },
    };
    expect(renderApplyText(report, { color: false })).toMatchInlineSnapshot(`
     "  ✓ update workspace payments: display name
       ✓ remove user erin: Workspace Member until 2026-11-20 (expired)
       ✗ remove user mallory: Workspace Member (not in code): delete failed: DELETE /api/meshobjects/meshworkspacebindings/userbindings/b3 failed: 403 denied
       - grant user carol: Workspace Member (new hire): skipped: an earlier step of this workspace failed
       … grant user bob: Project Reader on project prod (waiting for a second approval, request r-1)

     Apply: 2 applied, 1 waiting for a second approval, 1 failed, 1 skipped.
     Grants waiting for approval take effect when another Workspace Manager (or a partner) approves them: \`meshform requests list\`.
     Nothing that failed or was skipped was changed; fix the cause and run again: apply converges.
     "
    `);
  });
});
