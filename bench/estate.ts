/**
 * Benchmark estates, built with meshform's constructs: N team workspaces, each with two projects and
 * ten bindings (six on the workspace, two on each project), cost center, business unit and
 * environment tags checked by tag definitions, and a project quota. `changeEstate` edits 1% of them.
 */
import type { Construct } from 'constructs';
import { App } from '../constructs/cdktf';
import {
  MeshStack,
  type MeshStackProps,
  ProjectRole,
  TagDefinition,
  TagValueType,
  User,
  Workspace,
  WorkspaceRole,
} from '../constructs';
import type { DesiredState } from '../schemas/desired-state.generated';

/** The sandbox's and the fake's seeded users. */
const USERS = ['alice', 'bob', 'carol', 'dave', 'erin'];
const UNITS: [string, ...string[]] = ['retail', 'payments', 'logistics'];

export const workspaceName = (i: number) => `team-${String(i).padStart(5, '0')}`;

export class EstateStack extends MeshStack {
  /** `renameFirst` edits the first workspace's display name: one workspace changed in code. */
  constructor(scope: Construct, id: string, workspaces: number, props: MeshStackProps = {}, renameFirst = false) {
    super(scope, id, props);
    new TagDefinition(this, 'CostCenter', {
      targetKind: 'meshWorkspace',
      key: 'costCenter',
      valueType: TagValueType.string({ validationRegex: '^[0-9]{4}$' }),
      mandatory: true,
    });
    new TagDefinition(this, 'BusinessUnit', {
      targetKind: 'meshWorkspace',
      key: 'businessUnit',
      valueType: TagValueType.singleSelect(UNITS),
      restricted: true,
    });
    new TagDefinition(this, 'Environment', {
      targetKind: 'meshProject',
      key: 'environment',
      valueType: TagValueType.singleSelect(['dev', 'prod']),
      mandatory: true,
    });
    for (let i = 0; i < workspaces; i++) {
      const u = (k: number) => User.fromUsername(USERS[(i + k) % USERS.length]);
      const ws = new Workspace(this, workspaceName(i), {
        identifier: workspaceName(i),
        displayName: `Team ${i}${renameFirst && i === 0 ? ' (renamed)' : ''}`,
        tags: { costCenter: String(4000 + (i % 900)), businessUnit: UNITS[i % UNITS.length] },
        projectQuota: 5,
      });
      ws.grant(WorkspaceRole.OWNER, u(0));
      ws.grant(WorkspaceRole.MANAGER, u(1));
      ws.grant(WorkspaceRole.MANAGER, u(2));
      for (const k of [2, 3, 4]) ws.grant(WorkspaceRole.MEMBER, u(k));
      for (const env of ['dev', 'prod']) {
        const project = ws.addProject(env, {
          identifier: `${workspaceName(i)}-${env}`,
          displayName: `Team ${i} (${env})`,
          tags: { environment: env },
        });
        project.grant(ProjectRole.ADMIN, u(1));
        project.grant(env === 'dev' ? ProjectRole.USER : ProjectRole.READER, u(2));
      }
    }
  }
}

/** Synthesizes an estate of `workspaces` into `outdir` (cdktf.out layout); the app `meshform synth` would run. */
export function synthEstate(workspaces: number, outdir: string): void {
  const app = new App({ skipValidation: true, outdir, context: { 'meshform:now': '2026-11-26T00:00:00Z' } });
  new EstateStack(app, 'estate', workspaces);
  app.synth();
}

/**
 * The same estate with every hundredth workspace edited the way teams edit code: a new display name,
 * one member fewer, a project tag changed, and a project role replaced (a removal and a grant).
 */
export function changeEstate(desired: DesiredState, every = 100): DesiredState {
  const changed: DesiredState = structuredClone(desired);
  changed.workspaces.forEach((w, i) => {
    if (i % every !== 0 || w.spec.ownership !== 'owned') return;
    w.spec.displayName = `${w.spec.displayName} (renamed)`;
    const member = w.bindings.findIndex(
      (b) =>
        b.roleRef.name === 'Workspace Member' &&
        !w.projects.some((p) => p.bindings.some((pb) => pb.subject.name === b.subject.name)),
    );
    if (member >= 0) w.bindings.splice(member, 1);
    const dev = w.projects.find((p) => p.metadata.name.endsWith('-dev'));
    if (dev) {
      dev.metadata.tags.environment = ['prod'];
      const user = dev.bindings.find((b) => b.roleRef.name === 'Project User');
      if (user) user.roleRef.name = 'Project Reader';
    }
  });
  return changed;
}

/** Objects a per-resource Terraform provider would refresh one GET each. */
export function objectCounts(d: DesiredState) {
  const projects = d.workspaces.reduce((n, w) => n + w.projects.length, 0);
  const workspaceBindings = d.workspaces.reduce((n, w) => n + w.bindings.length, 0);
  const projectBindings = d.workspaces.reduce((n, w) => n + w.projects.reduce((m, p) => m + p.bindings.length, 0), 0);
  const userBindings = d.workspaces.reduce((n, w) => n + w.bindings.filter((b) => b.subject.kind === 'User').length, 0);
  return {
    workspaces: d.workspaces.length,
    projects,
    workspaceBindings,
    workspaceUserBindings: userBindings,
    projectBindings,
    bindings: workspaceBindings + projectBindings,
    tagDefinitions: d.tagDefinitions.length,
    total: d.workspaces.length + projects + workspaceBindings + projectBindings + d.tagDefinitions.length,
  };
}

export type ObjectCounts = ReturnType<typeof objectCounts>;
