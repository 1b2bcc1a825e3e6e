/** The constructs a binding, project or quota is given in its props, resolved to what collects it (same stack only). */
import type { IConstruct } from 'constructs';
import { TerraformStack } from '../cdktf';
import { type IProject, Project } from '../project';
import type { Quota } from '../quota';
import { type IWorkspace, Workspace } from '../workspace';
import type { WorkspaceBinding } from '../workspace-binding';

/** What a workspace construct collects. */
interface WorkspaceChildren {
  _registerBinding(b: WorkspaceBinding): void;
  _registerProject(p: Project): void;
  _registerQuota(q: Quota): void;
}

/** Resolves an IWorkspace to the construct that collects its children, refusing other stacks' workspaces. */
export function workspaceInternals(ws: IWorkspace, from: IConstruct): WorkspaceChildren {
  if (!Workspace.isWorkspace(ws))
    throw new Error(
      `${from.node.path}: "workspace" must be a Workspace or Workspace.fromWorkspaceName(), got ${String(ws)}`,
    );
  if (TerraformStack.of(ws) !== TerraformStack.of(from)) {
    throw new Error(
      `${from.node.path}: workspace "${ws.workspaceName}" belongs to stack ${TerraformStack.of(ws).node.id}; declare it in this stack with Workspace.fromWorkspaceName().`,
    );
  }
  return ws as unknown as WorkspaceChildren;
}

export function projectInternals(p: IProject, from: IConstruct): Project {
  if (!Project.isProject(p))
    throw new Error(
      `${from.node.path}: "project" must be a Project, got ${(p as Partial<IProject>).node?.path ?? typeof p}`,
    );
  if (TerraformStack.of(p) !== TerraformStack.of(from)) {
    throw new Error(
      `${from.node.path}: project "${p.projectName}" belongs to stack ${TerraformStack.of(p).node.id}; bindings must be in the same stack.`,
    );
  }
  return p;
}
