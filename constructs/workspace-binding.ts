import type { Construct } from 'constructs';
import type { WorkspaceBinding as WorkspaceBindingJson } from '../schemas/desired-state.generated';
import { BindingBase, type BindingOptions } from './private/binding-base';
import type { WorkspaceRoleName } from './roles';
import type { ISubject } from './subject';
import { workspaceInternals } from './private/internals';
import type { IWorkspace } from './workspace';

export type WorkspaceBindingOptions = BindingOptions;

export interface WorkspaceBindingProps extends WorkspaceBindingOptions {
  /** The workspace the role applies to. */
  readonly workspace: IWorkspace;
  /** Workspace Owner, Workspace Manager or Workspace Member (see `WorkspaceRole`). */
  readonly role: WorkspaceRoleName;
  /** The user, invited user or group that receives the role. */
  readonly subject: ISubject;
}

/**
 * A meshWorkspaceUserBinding or meshWorkspaceGroupBinding. Bindings are immutable on the platform:
 * changing role or expiry is a remove and a create, which the plan orders safely.
 */
export class WorkspaceBinding extends BindingBase {
  public readonly workspace: IWorkspace;

  constructor(scope: Construct, id: string, props: WorkspaceBindingProps) {
    super(scope, id, props.role, props.subject, props);
    this.workspace = props.workspace;
    workspaceInternals(props.workspace, this)._registerBinding(this);
  }

  /** @internal */
  public _render(): WorkspaceBindingJson {
    return this.renderBinding() as WorkspaceBindingJson;
  }
}
