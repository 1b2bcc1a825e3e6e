import type { Construct } from 'constructs';
import type { ProjectBinding as ProjectBindingJson } from '../schemas/desired-state.generated';
import { BindingBase, type BindingOptions } from './private/binding-base';
import { projectInternals } from './private/internals';
import type { IProject } from './project';
import type { ISubject } from './subject';

export type ProjectBindingOptions = BindingOptions;

export interface ProjectBindingProps extends ProjectBindingOptions {
  /** The project the role applies to. */
  readonly project: IProject;
  /** A project role display name, e.g. `ProjectRole.ADMIN` or a platform-defined role. */
  readonly role: string;
  /** The user, invited user or group; it must also hold a role on the owning workspace. */
  readonly subject: ISubject;
}

/**
 * A meshProjectUserBinding or meshProjectGroupBinding. An expiry makes it temporary (the emergency
 * access case): meshform removes it after that moment even where the API has no expiry field.
 */
export class ProjectBinding extends BindingBase {
  public readonly project: IProject;

  constructor(scope: Construct, id: string, props: ProjectBindingProps) {
    super(scope, id, props.role, props.subject, props);
    this.project = props.project;
    projectInternals(props.project, this)._registerBinding(this);
  }

  /** @internal */
  public _render(): ProjectBindingJson {
    return this.renderBinding();
  }
}
