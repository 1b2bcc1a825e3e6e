/** Building a RuleContext for the plan rules' table tests: a workspace as declared and observed, and the steps. */
import type { LiveBinding } from '../../controller/client/types';
import type { LiveState, LiveWorkspaceState } from '../../controller/observe/live-state';
import type { RuleContext } from '../../controller/plan/rules';
import { modelContext, workspaceModel } from '../../controller/plan/simulate';
import type { Workspace } from '../../schemas/desired-state.generated';
import type { GrantStep, RemovalStep, Step } from '../../schemas/plan.generated';
import { OWNERSHIP_TAG_DEFINITION } from '../../core/rules';
import { workspace } from './desired';

export const NOW = new Date('2026-11-25T12:00:00Z');

export const liveBinding = (subject: string, role: string, extra: Partial<LiveBinding> = {}): LiveBinding => ({
  name: `${subject}-${role}`.replace(/\s/g, ''),
  workspace: 'w',
  subjectKind: 'User',
  subject,
  role,
  ...extra,
});

export function liveWorkspace(bindings: LiveBinding[], extra: Partial<LiveWorkspaceState> = {}): LiveWorkspaceState {
  return {
    name: 'w',
    displayName: 'w',
    tags: {},
    bindings,
    projects: {},
    pendingRequests: [],
    deletingProjects: [],
    status: { name: 'w', status: 'active', approval: 'approved', projectQuota: null, projectCount: 0 },
    ...extra,
  };
}

/** An observed platform (partner caller, 4-eyes off) holding `workspaces` and the ownership tag's definition. */
export function liveState(
  workspaces: LiveWorkspaceState[],
  { tagDefinitions, ...extra }: Partial<LiveState> = {},
): LiveState {
  return {
    observedAt: NOW.toISOString(),
    platform: {
      version: '2026.34.0',
      fourEyes: { enabled: false, minApprovalCount: 2 },
      recertification: {},
      capabilities: [
        'workspace-quota',
        'workspace-status',
        'role-requests',
        'whoami',
        'settings',
        'project-binding-expiry',
      ],
    },
    caller: { username: 'partner.admin', partner: true, workspaces: {} },
    tagDefinitions: [OWNERSHIP_TAG_DEFINITION, ...(tagDefinitions ?? [])],
    workspaces: Object.fromEntries(workspaces.map((w) => [w.name, w])),
    usersByEmail: {},
    deletedWorkspaces: [],
    ...extra,
  };
}

export function grantStep(subject: string, role: string, extra: Partial<GrantStep> = {}): GrantStep {
  return {
    id: `g-${subject}-${role}`,
    kind: 'workspace-binding',
    action: 'create',
    workspace: 'w',
    reason: 'missing',
    grant: { name: `n-${subject}-${role}`.replace(/\s/g, ''), subject: { kind: 'User', name: subject }, role },
    approval: 'auto',
    ...extra,
  };
}

export function removalStep(subject: string, role: string, extra: Partial<RemovalStep> = {}): RemovalStep {
  return {
    id: `r-${subject}-${role}`,
    kind: 'workspace-binding',
    action: 'delete',
    workspace: 'w',
    reason: 'drift',
    binding: { name: `${subject}-${role}`.replace(/\s/g, ''), subjectKind: 'User', subject, role },
    ...extra,
  };
}

export interface ContextInput {
  readonly desired?: Workspace;
  readonly ws?: LiveWorkspaceState | null;
  readonly steps?: Step[];
  readonly ownerCounts?: number[];
  readonly caller?: { username: string; partner?: boolean; roles?: string[] };
  readonly live?: Partial<LiveState>;
  readonly options?: {
    allowLastOwnerRemoval?: boolean;
    allowSelfLockout?: boolean;
    allowFewerApprovers?: boolean;
    adoptUnowned?: boolean;
    expiringWithinMs?: number;
  };
  readonly stack?: string;
  readonly recertification?: Record<string, number>;
}

/** The platform as observe reads it: 4-eyes off, no recertification, no capabilities, unless `extra` says otherwise. */
export function livePlatform(extra: Partial<LiveState['platform']> = {}): LiveState['platform'] {
  return {
    version: '2026.34.0',
    fourEyes: { enabled: false, minApprovalCount: 2 },
    recertification: {},
    capabilities: [],
    ...extra,
  };
}

export function ruleContext(i: ContextInput = {}): RuleContext {
  const ws = i.ws === null ? undefined : (i.ws ?? liveWorkspace([]));
  const caller = i.caller
    ? { username: i.caller.username, partner: i.caller.partner ?? false, workspaces: { w: i.caller.roles ?? [] } }
    : undefined;
  const live: LiveState = {
    observedAt: NOW.toISOString(),
    platform: livePlatform(),
    ...(caller ? { caller } : {}),
    tagDefinitions: [],
    workspaces: ws ? { w: ws } : {},
    usersByEmail: {},
    deletedWorkspaces: [],
    ...i.live,
  };
  const recertification = i.recertification ?? {};
  return {
    name: 'w',
    stack: i.stack ?? 'test',
    desired: i.desired ?? workspace('w', []),
    ws,
    live,
    model: workspaceModel('w', ws, live.deletedWorkspaces.includes('w')),
    modelContext: modelContext(live, 'w', ws, NOW, recertification),
    steps: i.steps ?? [],
    ownerCounts: i.ownerCounts ?? [0],
    options: { endpoint: 'x', ...i.options },
    now: NOW,
    recertification,
    caller,
    callerRoles: i.caller?.roles ?? [],
  };
}
