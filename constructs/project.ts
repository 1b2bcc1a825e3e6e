import { Construct, type IConstruct } from 'constructs';
import { constructId } from './private/construct-id';
import { PROJECT_FIELDS } from '../core/declaration';
import type { Project as ProjectJson } from '../schemas/desired-state.generated';
import { workspaceInternals } from './private/internals';
import { addManifestValidation } from './private/validation';
import { bindingId } from './private/binding-base';
import { type Locate, normalizeTagValues, renderSorted } from './private/rendering';
import { type ITaggable, PROPS_TAG_PRIORITY, TagManager } from './private/tag-manager';
import { ProjectBinding, type ProjectBindingOptions } from './project-binding';
import type { ISubject } from './subject';
import type { IWorkspace } from './workspace';

/** A meshProject that project bindings can refer to. */
export interface IProject extends IConstruct {
  /** The project identifier (meshStack `metadata.name`). */
  readonly projectName: string;
  /** The workspace that owns the project. */
  readonly workspace: IWorkspace;
  /** Grants a project role to `subject` (who must also hold a workspace role). */
  grant(role: string, subject: ISubject, options?: ProjectBindingOptions): ProjectBinding;
}

export interface ProjectOptions {
  /** The project identifier: lowercase letters, digits and dashes; immutable once created. */
  readonly identifier: string;
  /**
   * Display name shown in meshPanel; editable later.
   * @default - the identifier
   */
  readonly displayName?: string;
  /**
   * Tags (`spec.tags`); these win over tags from an enclosing `Tags.of()`.
   * @default - no tags of its own
   */
  readonly tags?: Record<string, string | string[]>;
  /**
   * Set to delete the project.
   * @default - the project is never deleted by meshform
   */
  readonly deletion?: { readonly reason: string };
}

export interface ProjectProps extends ProjectOptions {
  /** The workspace that owns the project. */
  readonly workspace: IWorkspace;
}

const PROJECT_SYMBOL = Symbol.for('meshform.Project');

/** A meshProject in a workspace, with its tags and project role bindings. */
export class Project extends Construct implements IProject, ITaggable {
  public static isProject(x: unknown): x is Project {
    return typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[PROJECT_SYMBOL] === true;
  }

  public readonly projectName: string;
  public readonly workspace: IWorkspace;
  public readonly tags = new TagManager();
  public readonly tagTargetKind = 'meshProject' as const;
  private readonly bindings: ProjectBinding[] = [];

  constructor(
    scope: Construct,
    id: string,
    private readonly props: ProjectProps,
  ) {
    super(scope, constructId(id));
    Object.defineProperty(this, PROJECT_SYMBOL, { value: true });
    this.projectName = props.identifier;
    this.workspace = props.workspace;
    for (const [k, v] of Object.entries(normalizeTagValues(props.tags))) this.tags.setTag(k, v, PROPS_TAG_PRIORITY);
    workspaceInternals(props.workspace, this)._registerProject(this);
    addManifestValidation(this);
  }

  public grant(role: string, subject: ISubject, options: ProjectBindingOptions = {}): ProjectBinding {
    return new ProjectBinding(this, bindingId(this, role, subject, `project "${this.projectName}"`), {
      ...options,
      project: this,
      role,
      subject,
    });
  }

  /** @internal */
  public _registerBinding(b: ProjectBinding): void {
    this.bindings.push(b);
  }

  /** @internal */
  public _render(jsonPath: string, locate: Locate): ProjectJson {
    const p = this.props;
    return {
      metadata: { name: this.projectName, ownedByWorkspace: this.workspace.workspaceName, tags: this.tags.render() },
      spec: {
        displayName: p.displayName ?? p[PROJECT_FIELDS.displayName.default.field],
        ...(p.deletion ? { deletion: { reason: p.deletion.reason } } : {}),
      },
      bindings: renderSorted(
        this.bindings,
        (b) => b.sortKey,
        (b, i) => {
          locate(`${jsonPath}.bindings[${i}]`, b);
          return b._render();
        },
      ),
    };
  }
}
