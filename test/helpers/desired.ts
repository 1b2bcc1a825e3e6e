/** Small builders for desired states in controller tests. */
import type { DesiredState, ProjectBinding, Subject, Workspace, WorkspaceBinding } from '../../schemas/desired-state.generated';

export const user = (name: string): Subject => ({ kind: 'User', name });
export const group = (name: string): Subject => ({ kind: 'Group', name });

export function binding(role: string, subject: Subject, extra: { expiryDate?: string; reason?: string } = {}): WorkspaceBinding & ProjectBinding {
  return { roleRef: { name: role as WorkspaceBinding['roleRef']['name'] }, subject, ...extra };
}

export function project(workspace: string, name: string, bindings: ProjectBinding[] = [], extra: { tags?: Record<string, string[]>; deletion?: string; displayName?: string } = {}) {
  return {
    metadata: { name, ownedByWorkspace: workspace, tags: extra.tags ?? {} },
    spec: { displayName: extra.displayName ?? name, ...(extra.deletion ? { deletion: { reason: extra.deletion } } : {}) },
    bindings,
  };
}

export function workspace(
  name: string,
  bindings: WorkspaceBinding[],
  extra: {
    projects?: Workspace['projects'];
    tags?: Record<string, string[]>;
    displayName?: string;
    projectQuota?: number;
    additive?: boolean;
    referenced?: boolean;
    status?: 'active' | 'disabled';
    deletion?: string;
  } = {},
): Workspace {
  return {
    metadata: { name, tags: extra.tags ?? {} },
    spec: extra.referenced
      ? { ownership: 'referenced', bindingManagement: extra.additive === false ? 'authoritative' : 'additive' }
      : {
          ownership: 'owned',
          bindingManagement: extra.additive ? 'additive' : 'authoritative',
          displayName: extra.displayName ?? name,
          status: extra.status ?? 'active',
          ...(extra.projectQuota !== undefined ? { projectQuota: extra.projectQuota } : {}),
          ...(extra.deletion ? { deletion: { reason: extra.deletion } } : {}),
        },
    bindings,
    projects: extra.projects ?? [],
  };
}

export function desired(workspaces: Workspace[], extra: Partial<DesiredState> = {}): DesiredState {
  return { apiVersion: 'meshform.io/v1', kind: 'DesiredState', metadata: { name: 'test' }, rolePolicy: { recertification: [] }, tagDefinitions: [], workspaces, ...extra };
}

export const OWNER = 'Workspace Owner';
export const MANAGER = 'Workspace Manager';
export const MEMBER = 'Workspace Member';
