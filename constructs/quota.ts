import { Construct } from 'constructs';
import { workspaceInternals } from './private/internals';
import { addManifestValidation } from './private/validation';
import type { IWorkspace } from './workspace';

export interface QuotaProps {
  /** The workspace whose projects are limited. */
  readonly workspace: IWorkspace;
  /** Maximum number of projects; lowering it below current usage is refused by the plan. */
  readonly maxProjects: number;
}

/** The project quota of a workspace (partner/admin right). Every change is recorded as CUSTOMER_QUOTA_EDITED. */
export class Quota extends Construct {
  public readonly workspace: IWorkspace;
  public readonly maxProjects: number;

  constructor(scope: Construct, id: string, props: QuotaProps) {
    super(scope, id);
    this.workspace = props.workspace;
    this.maxProjects = props.maxProjects;
    addManifestValidation(this);
    workspaceInternals(props.workspace, this)._registerQuota(this);
  }
}
