/** Small builders for desired states in controller tests. */
import type {
  DesiredState,
  ProjectBinding,
  Subject,
  TagDefinition,
  Workspace,
  WorkspaceBinding,
} from '../../schemas/desired-state.generated';

export const user = (name: string): Subject => ({ kind: 'User', name });
export const group = (name: string): Subject => ({ kind: 'Group', name });

export function binding(
  role: string,
  subject: Subject,
  extra: { expiryDate?: string; reason?: string } = {},
): WorkspaceBinding & ProjectBinding {
  return { roleRef: { name: role as WorkspaceBinding['roleRef']['name'] }, subject, ...extra };
}

export function project(
  workspace: string,
  name: string,
  bindings: ProjectBinding[] = [],
  extra: { tags?: Record<string, string[]>; deletion?: string; displayName?: string } = {},
) {
  return {
    metadata: { name, ownedByWorkspace: workspace, tags: extra.tags ?? {} },
    spec: {
      displayName: extra.displayName ?? name,
      ...(extra.deletion ? { deletion: { reason: extra.deletion } } : {}),
    },
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
    /** Take over a live workspace no stack owns (made in the panel). */
    adopt?: boolean;
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
          ...(extra.adopt ? { adopt: true } : {}),
        },
    bindings,
    projects: extra.projects ?? [],
  };
}

export function desired(workspaces: Workspace[], extra: Partial<DesiredState> = {}): DesiredState {
  return {
    apiVersion: 'meshform.io/v1',
    kind: 'DesiredState',
    metadata: { name: 'test' },
    rolePolicy: { recertification: [] },
    tagDefinitions: [],
    workspaces,
    ...extra,
  };
}

export const OWNER = 'Workspace Owner';
export const MANAGER = 'Workspace Manager';
export const MEMBER = 'Workspace Member';

const TEAM_USERS = ['alice', 'bob', 'carol', 'dave', 'erin'];

/**
 * An estate of `count` team workspaces `<prefix>-<i>`: an Owner, two Managers, three Members, and a
 * dev and a prod project with two project roles each (ten bindings per workspace), with tags.
 */
export function teamEstate(count: number, prefix = 'team', extra: { ownerShift?: number } = {}): DesiredState {
  const list: Workspace[] = [];
  for (let i = 0; i < count; i++) {
    const name = `${prefix}-${i}`;
    const u = (k: number) => user(TEAM_USERS[(i + k + (k === 0 ? (extra.ownerShift ?? 0) : 0)) % TEAM_USERS.length]);
    list.push(
      workspace(
        name,
        [
          binding(OWNER, u(0)),
          binding(MANAGER, u(1)),
          binding(MANAGER, u(2)),
          binding(MEMBER, u(2)),
          binding(MEMBER, u(3)),
          binding(MEMBER, u(4)),
        ],
        {
          tags: { costCenter: [String(4000 + i)] },
          projects: ['dev', 'prod'].map((env) =>
            project(
              name,
              `${name}-${env}`,
              [binding('Project Admin', u(1)), binding(env === 'dev' ? 'Project User' : 'Project Reader', u(2))],
              { tags: { environment: [env] } },
            ),
          ),
        },
      ),
    );
  }
  // Its workspace tag is defined: on a platform meshform has run on, every workspace tag needs a definition.
  return desired(list, { tagDefinitions: [stringTag('meshWorkspace', 'costCenter')] });
}

/** A plain string tag definition, with `spec` overriding its defaults (restricted, immutable, value type …). */
export function stringTag(
  targetKind: 'meshWorkspace' | 'meshProject',
  key: string,
  spec: Partial<TagDefinition['spec']> = {},
): TagDefinition {
  return {
    metadata: { name: `${targetKind}.${key}` },
    spec: {
      targetKind,
      key,
      displayName: key,
      valueType: { string: {} },
      restricted: false,
      mandatory: false,
      immutable: false,
      ...spec,
    },
  };
}
