import { Construct, type IConstruct } from 'constructs';
import { constructId } from './private/construct-id';
import { sha256Hex } from '../core/canonical-json';
import { WORKSPACE_FIELDS } from '../core/declaration';
import { constructFinding } from '../core/rules';
import type { Workspace as WorkspaceJson } from '../schemas/desired-state.generated';
import { Lazy } from './cdktf';
import { type IWorkspaceRenderer, Manifest } from './manifest';
import { addManifestValidation } from './private/validation';
import { workspaceAttributes } from '../core/terraform-attributes';
import { AnchorKind, AnchorScope, createAnchor, createProviderResource } from './private/anchor';
import { bindingId } from './private/binding-base';
import { type Locate, normalizeTagValues, renderSorted } from './private/rendering';
import { type ITaggable, PROPS_TAG_PRIORITY, TagManager } from './private/tag-manager';
// Circular imports are safe here: these classes are only used inside methods, never at load time.
import { Project, type ProjectOptions } from './project';
import { Quota } from './quota';
import type { WorkspaceRoleName } from './roles';
import type { ISubject } from './subject';
import { WorkspaceBinding, type WorkspaceBindingOptions } from './workspace-binding';

/** How meshform treats bindings on the live workspace that the code does not declare. */
export enum BindingManagement {
  /** Undeclared bindings are drift: the plan removes them. */
  AUTHORITATIVE = 'authoritative',
  /** meshform only adds and updates what it declares; undeclared bindings are reported, never removed. */
  ADDITIVE = 'additive',
}

/** A meshWorkspace that bindings, projects and quotas can refer to. */
export interface IWorkspace extends IConstruct {
  /** The workspace identifier (meshStack `metadata.name`). */
  readonly workspaceName: string;
  /** Grants `role` on this workspace to `subject`. */
  grant(role: WorkspaceRoleName, subject: ISubject, options?: WorkspaceBindingOptions): WorkspaceBinding;
  /** Declares a project in this workspace. */
  addProject(id: string, options: ProjectOptions): Project;
}

const WORKSPACE_SYMBOL = Symbol.for('meshform.Workspace');

/** What Workspace and a referenced workspace share: the bindings, projects and quotas registered on them. */
abstract class WorkspaceBase extends Construct implements IWorkspace, IWorkspaceRenderer {
  public abstract readonly workspaceName: string;
  protected readonly bindings: WorkspaceBinding[] = [];
  protected readonly projects: Project[] = [];
  protected readonly quotas: Quota[] = [];

  protected constructor(scope: Construct, id: string) {
    super(scope, constructId(id));
    Object.defineProperty(this, WORKSPACE_SYMBOL, { value: true });
  }

  public grant(role: WorkspaceRoleName, subject: ISubject, options: WorkspaceBindingOptions = {}): WorkspaceBinding {
    return new WorkspaceBinding(this, bindingId(this, role, subject, `workspace "${this.workspaceName}"`), {
      ...options,
      workspace: this,
      role,
      subject,
    });
  }

  public addProject(id: string, options: ProjectOptions): Project {
    return new Project(this, id, { ...options, workspace: this });
  }

  /** @internal */
  public _registerBinding(b: WorkspaceBinding): void {
    this.bindings.push(b);
  }
  /** @internal */
  public _registerProject(p: Project): void {
    this.projects.push(p);
  }
  /** @internal */
  public _registerQuota(q: Quota): void {
    this.quotas.push(q);
  }

  /** @internal */
  public abstract _render(jsonPath: string, locate: Locate): WorkspaceJson;

  protected renderChildren(jsonPath: string, locate: Locate): Pick<WorkspaceJson, 'bindings' | 'projects'> {
    return {
      bindings: renderSorted(
        this.bindings,
        (b) => b.sortKey,
        (b, i) => {
          locate(`${jsonPath}.bindings[${i}]`, b);
          return b._render();
        },
      ),
      projects: renderSorted(
        this.projects,
        (p) => p.projectName,
        (p, i) => {
          locate(`${jsonPath}.projects[${i}]`, p);
          return p._render(`${jsonPath}.projects[${i}]`, locate);
        },
      ),
    };
  }

  /** One anchor per workspace, replaced by Terraform whenever this workspace's desired state changes. */
  protected addAnchor(): void {
    const manifest = Manifest.of(this);
    if (manifest.anchorScope === AnchorScope.STACK) return;
    if (manifest.anchorKind === AnchorKind.MESHFORM_PROVIDER) {
      const attributes = () => {
        const ws = this._render('$', () => undefined);
        if (ws.spec.ownership === 'referenced') {
          throw new Error(
            `workspace "${this.workspaceName}" is referenced (Workspace.fromWorkspaceName), and meshform_workspace declares a workspace the stack owns: declare it with new Workspace() (adopt: true takes over a live one), or use AnchorKind.TERRAFORM_DATA`,
          );
        }
        return workspaceAttributes(ws);
      };
      manifest._registerAnchor(
        createProviderResource(this, 'Resource', 'meshform_workspace', attributes, manifest._providerSettings),
      );
      return;
    }
    manifest._registerAnchor(
      createAnchor(this, 'Resource', {
        kind: manifest.anchorKind,
        command: manifest.command,
        workspaceName: this.workspaceName,
        trigger: Lazy.stringValue({ produce: () => sha256Hex(this._render('$', () => undefined)) }),
      }),
    );
  }
}

export interface WorkspaceProps {
  /** The workspace identifier: lowercase letters, digits and dashes; immutable once created. */
  readonly identifier: string;
  /**
   * Display name shown in meshPanel; editable later.
   * @default - the identifier
   */
  readonly displayName?: string;
  /**
   * Tags (`metadata.tags`); these win over tags from an enclosing `Tags.of()`.
   * @default - no tags of its own
   */
  readonly tags?: Record<string, string | string[]>;
  /**
   * Workspace status; only a partner may change it.
   * @default 'active'
   */
  readonly status?: 'active' | 'disabled';
  /**
   * Maximum number of projects; a shortcut for `new Quota(...)`.
   * @default - meshform does not manage the quota
   */
  readonly projectQuota?: number;
  /**
   * What happens to live bindings the code does not declare.
   * @default BindingManagement.AUTHORITATIVE
   */
  readonly bindingManagement?: BindingManagement;
  /**
   * Set to delete the workspace (an Owner's or partner's right; all projects must be gone first).
   * @default - the workspace is never deleted by meshform
   */
  readonly deletion?: { readonly reason: string };
  /**
   * The workspace exists already and no meshform stack owns it: take it over as declared. meshform
   * records which stack owns a workspace (its `meshformStack` tag) and refuses to take over one that
   * no stack owns unless this says so (or `meshform import` took it); one that another stack owns is
   * always refused.
   * @default false
   */
  readonly adopt?: boolean;
}

/** A meshWorkspace that meshform creates and owns: display name, tags, status, quota and bindings. */
export class Workspace extends WorkspaceBase implements ITaggable {
  /** Whether `x` is a workspace construct (owned or referenced), across copies of this library. */
  public static isWorkspace(x: unknown): x is IWorkspace {
    return typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[WORKSPACE_SYMBOL] === true;
  }

  /**
   * A workspace that exists already and is not owned by this code: meshform manages only the
   * bindings and projects declared on it, additively unless told otherwise.
   */
  public static fromWorkspaceName(
    scope: Construct,
    id: string,
    workspaceName: string,
    options: { readonly bindingManagement?: BindingManagement } = {},
  ): IWorkspace {
    return new ReferencedWorkspace(scope, id, workspaceName, options.bindingManagement ?? BindingManagement.ADDITIVE);
  }

  public readonly workspaceName: string;
  public readonly tags = new TagManager();
  public readonly tagTargetKind = 'meshWorkspace' as const;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: WorkspaceProps,
  ) {
    super(scope, constructId(id));
    this.workspaceName = props.identifier;
    for (const [k, v] of Object.entries(normalizeTagValues(props.tags))) this.tags.setTag(k, v, PROPS_TAG_PRIORITY);
    if (props.projectQuota !== undefined) {
      new Quota(this, 'ProjectQuota', { workspace: this, maxProjects: props.projectQuota });
    }
    Manifest.of(this)._registerWorkspace(this);
    addManifestValidation(this);
    this.node.addValidation({
      validate: () =>
        this.quotas.length > 1
          ? [
              constructFinding('quota-duplicate', {
                workspace: this.workspaceName,
                paths: this.quotas.map((q) => q.node.path),
              }),
            ]
          : [],
    });
    this.addAnchor();
  }

  /** @internal */
  public _render(jsonPath: string, locate: Locate): WorkspaceJson {
    const p = this.props;
    const quota = this.quotas[0];
    if (quota) locate(`${jsonPath}.spec.projectQuota`, quota);
    return {
      metadata: { name: this.workspaceName, tags: this.tags.render() },
      spec: {
        ownership: 'owned',
        bindingManagement: p.bindingManagement ?? WORKSPACE_FIELDS.bindingManagement.default.value,
        displayName: p.displayName ?? p[WORKSPACE_FIELDS.displayName.default.field],
        status: p.status ?? WORKSPACE_FIELDS.status.default.value,
        ...(quota ? { projectQuota: quota.maxProjects } : {}),
        ...(p.deletion ? { deletion: { reason: p.deletion.reason } } : {}),
        ...(p.adopt ? { adopt: true } : {}),
      },
      ...this.renderChildren(jsonPath, locate),
    };
  }
}

/** A workspace declared by name only (Workspace.fromWorkspaceName). */
class ReferencedWorkspace extends WorkspaceBase {
  constructor(
    scope: Construct,
    id: string,
    public readonly workspaceName: string,
    private readonly bindingManagement: BindingManagement,
  ) {
    super(scope, id);
    Manifest.of(this)._registerWorkspace(this);
    addManifestValidation(this);
    this.node.addValidation({
      validate: () => (this.quotas.length ? [constructFinding('quota-referenced', { workspace: workspaceName })] : []),
    });
    this.addAnchor();
  }

  /** @internal */
  public _render(jsonPath: string, locate: Locate): WorkspaceJson {
    return {
      metadata: { name: this.workspaceName, tags: {} },
      spec: { ownership: 'referenced', bindingManagement: this.bindingManagement },
      ...this.renderChildren(jsonPath, locate),
    };
  }
}
