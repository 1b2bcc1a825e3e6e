/** Generated estates for benchmarks: N workspaces, two projects and ten bindings each, realistic tags. */
import type { DesiredState, Workspace } from '../schemas/desired-state.generated';

const USERS = ['alice', 'bob', 'carol', 'dave', 'erin'];

export function estate(workspaces: number): DesiredState {
  const list: Workspace[] = [];
  for (let i = 0; i < workspaces; i++) {
    const name = `team-${String(i).padStart(5, '0')}`;
    const u = (k: number) => USERS[(i + k) % USERS.length];
    list.push({
      metadata: { name, tags: { costCenter: [String(4000 + (i % 900))], businessUnit: [['retail', 'payments', 'logistics'][i % 3]] } },
      spec: { ownership: 'owned', bindingManagement: 'authoritative', displayName: `Team ${i}`, status: 'active' },
      bindings: [
        { roleRef: { name: 'Workspace Owner' }, subject: { kind: 'User', name: u(0) } },
        { roleRef: { name: 'Workspace Manager' }, subject: { kind: 'User', name: u(1) } },
        { roleRef: { name: 'Workspace Member' }, subject: { kind: 'User', name: u(2) } },
        { roleRef: { name: 'Workspace Member' }, subject: { kind: 'User', name: u(3) } },
        { roleRef: { name: 'Workspace Member' }, subject: { kind: 'User', name: u(4) } },
        { roleRef: { name: 'Workspace Manager' }, subject: { kind: 'User', name: u(2) } },
      ],
      projects: ['dev', 'prod'].map((env) => ({
        metadata: { name: `${name}-${env}`, ownedByWorkspace: name, tags: { environment: [env] } },
        spec: { displayName: `Team ${i} (${env})` },
        bindings: [
          { roleRef: { name: 'Project Admin' }, subject: { kind: 'User' as const, name: u(1) } },
          { roleRef: { name: env === 'dev' ? 'Project User' : 'Project Reader' }, subject: { kind: 'User' as const, name: u(2) } },
        ],
      })),
    });
  }
  return { apiVersion: 'meshform.io/v1', kind: 'DesiredState', metadata: { name: 'bench' }, rolePolicy: { recertification: [] }, tagDefinitions: [], workspaces: list };
}

/** Bindings in an estate (workspace and project). */
export function bindingCount(d: DesiredState): number {
  return d.workspaces.reduce((n, w) => n + w.bindings.length + w.projects.reduce((m, p) => m + p.bindings.length, 0), 0);
}
