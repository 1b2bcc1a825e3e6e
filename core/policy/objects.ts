/**
 * What a policy sees of the desired state: plain views of workspaces, projects, bindings and tag
 * definitions, the same at synth and in the plan (docs/policies.md documents their fields). Each view
 * is typed from its declaration in shapes.ts, which the type checker reads: a field not declared there
 * does not compile.
 */
import type {
  DesiredState,
  Project,
  ProjectBinding,
  TagDefinition,
  Workspace,
  WorkspaceBinding,
} from '../../schemas/desired-state.generated';
import { parseExpiry } from '../expiry';
import { WORKSPACE_OWNER } from '../rules/roles';
import type { PolicyTarget } from './policy';
import type { BINDING, PROJECT, TAG_DEFINITION, ValueOf, WORKSPACE } from './shapes';

const looksLikeEmail = (s: string) => /^[^@\s]+@[^@\s]+$/.test(s);

function workspaceView(w: Workspace): ValueOf<typeof WORKSPACE> {
  return {
    name: w.metadata.name,
    displayName: w.spec.displayName,
    tags: w.metadata.tags,
    quota: w.spec.projectQuota,
    status: w.spec.status,
    deleted: w.spec.deletion !== undefined,
    // The Owners the code declares: for an authoritative workspace, the Owners after the plan.
    owners: w.bindings.filter((b) => b.roleRef.name === WORKSPACE_OWNER).map((b) => b.subject.name),
  };
}

function projectView(p: Project): ValueOf<typeof PROJECT> {
  return {
    name: p.metadata.name,
    workspace: p.metadata.ownedByWorkspace,
    displayName: p.spec.displayName,
    tags: p.metadata.tags,
    deleted: p.spec.deletion !== undefined,
  };
}

function bindingView(
  b: WorkspaceBinding | ProjectBinding,
  workspace: string,
  project?: string,
): ValueOf<typeof BINDING> {
  const email = b.subject.invitation?.email ?? (looksLikeEmail(b.subject.name) ? b.subject.name : undefined);
  const expiry = b.expiryDate ? parseExpiry(b.expiryDate) : undefined;
  return {
    role: b.roleRef.name,
    subject: { kind: b.subject.kind, name: b.subject.name, email },
    // The moment the binding stops being valid (a day-only expiry ends after that day, UTC).
    expiry: expiry?.endsAt,
    expiryDate: b.expiryDate,
    reason: b.reason,
    workspace,
    project,
  };
}

function tagDefinitionView(d: TagDefinition): ValueOf<typeof TAG_DEFINITION> {
  return { name: d.metadata.name, ...d.spec };
}

/** One object a policy of its target judges, with the variables that belong to it and a label for findings. */
export interface PolicySubject {
  readonly target: PolicyTarget;
  /** Names the object in a finding: `binding User:alice "Workspace Owner" in workspace a`. */
  readonly label: string;
  /** Where the object is in the manifest (`$.workspaces[0].bindings[1]`): synth reports a finding at its construct. */
  readonly path: string;
  readonly workspace?: string;
  readonly object: Record<string, unknown>;
  readonly workspaceView?: Record<string, unknown>;
  readonly projectView?: Record<string, unknown>;
  /** For matching the plan's step: the binding's role and subject, the project's name. */
  readonly key?: { readonly project?: string; readonly role?: string; readonly subject?: string };
}

/** Every object of the desired state a policy can target, for the workspaces given (all by default). */
export function* policySubjects(desired: DesiredState, workspaces?: ReadonlySet<string>): Generator<PolicySubject> {
  for (const [i, d] of desired.tagDefinitions.entries())
    yield {
      target: 'tagDefinition',
      label: `tag definition ${d.metadata.name}`,
      path: `$.tagDefinitions[${i}]`,
      object: tagDefinitionView(d),
    };
  for (const [wi, w] of desired.workspaces.entries()) {
    const name = w.metadata.name;
    if (workspaces && !workspaces.has(name)) continue;
    const ws = workspaceView(w);
    const wsPath = `$.workspaces[${wi}]`;
    yield {
      target: 'workspace',
      label: `workspace ${name}`,
      path: wsPath,
      workspace: name,
      object: ws,
      workspaceView: ws,
    };
    const binding = (
      b: WorkspaceBinding | ProjectBinding,
      path: string,
      project?: Record<string, unknown>,
      p?: string,
    ) => ({
      target: 'binding' as const,
      label: `binding ${b.subject.kind}:${b.subject.name} "${b.roleRef.name}" in workspace ${name}${p ? ` project ${p}` : ''}`,
      path,
      workspace: name,
      object: bindingView(b, name, p),
      workspaceView: ws,
      ...(project ? { projectView: project } : {}),
      key: { project: p, role: b.roleRef.name, subject: `${b.subject.kind}:${b.subject.name}` },
    });
    for (const [bi, b] of w.bindings.entries()) yield binding(b, `${wsPath}.bindings[${bi}]`);
    for (const [pi, p] of w.projects.entries()) {
      const pv = projectView(p);
      const pn = p.metadata.name;
      const pPath = `${wsPath}.projects[${pi}]`;
      yield {
        target: 'project',
        label: `project ${pn} in workspace ${name}`,
        path: pPath,
        workspace: name,
        object: pv,
        workspaceView: ws,
        projectView: pv,
        key: { project: pn },
      };
      for (const [bi, b] of p.bindings.entries()) yield binding(b, `${pPath}.bindings[${bi}]`, pv, pn);
    }
  }
}
