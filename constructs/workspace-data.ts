/**
 * Workspaces described as data: a YAML or JSON file (schemas/workspace-data.schema.json) turned into
 * the constructs a person would write, for estates kept as a list rather than as code.
 * `meshform import --format yaml` writes such a file.
 */
import * as fs from 'fs';
import type { Construct } from 'constructs';
import { parse } from 'yaml';
import { type Fields, PROJECT_FIELDS, WORKSPACE_FIELDS } from '../core/declaration';
import { InvalidFileError } from '../core/errors';
import { validateAgainst } from '../core/json-schema';
import { WORKSPACE_ROLES } from '../core/rules';
import type { Binding, WorkspaceData, WorkspaceEntry } from '../schemas/workspace-data.generated';
import type { WorkspaceRoleName } from './roles';
import { Group, type ISubject, User } from './subject';
import type { ProjectOptions } from './project';
import { Workspace, type WorkspaceProps } from './workspace';

export type {
  Binding as BindingData,
  ProjectEntry as ProjectData,
  WorkspaceData,
  WorkspaceEntry,
} from '../schemas/workspace-data.generated';

function subjectConstruct(b: Binding): ISubject {
  if (b.user !== undefined) return User.fromUsername(b.user);
  if (b.group !== undefined) return Group.fromGroupName(b.group);
  return User.invite(b.invite!);
}

const options = (b: Binding) => ({
  ...(b.expiryDate !== undefined ? { expiryDate: b.expiryDate } : {}),
  ...(b.reason !== undefined ? { reason: b.reason } : {}),
});

/**
 * The props an entry declares: its declaration fields as set (the props have the entries' names, and
 * BindingManagement's values are the entries' strings).
 */
function declared<Props>(fields: Fields, entry: object): Props {
  const props = Object.keys(fields).flatMap((name) => {
    const v = (entry as Record<string, unknown>)[name];
    return v === undefined ? [] : [[name, v]];
  });
  return Object.fromEntries(props) as Props;
}

/** One `Workspace` construct per entry (its identifier is the construct id), with its bindings and projects. */
export function addWorkspaces(scope: Construct, data: WorkspaceData): Workspace[] {
  return data.workspaces.map((w) => {
    const ws = new Workspace(scope, w.identifier, declared<WorkspaceProps>(WORKSPACE_FIELDS, w));
    for (const b of w.bindings ?? []) ws.grant(b.role as WorkspaceRoleName, subjectConstruct(b), options(b));
    for (const p of w.projects ?? []) {
      const project = ws.addProject(p.identifier, declared<ProjectOptions>(PROJECT_FIELDS, p));
      for (const b of p.bindings ?? []) project.grant(b.role, subjectConstruct(b), options(b));
    }
    return ws;
  });
}

/** What the schema cannot say: one subject per binding, and workspace roles by their names. */
function entryProblems(w: WorkspaceEntry, path: string): Array<{ path: string; rule: string; message: string }> {
  const out: Array<{ path: string; rule: string; message: string }> = [];
  const check = (bs: Binding[] | undefined, at: string, workspaceRoles: boolean) =>
    (bs ?? []).forEach((b, i) => {
      const subjects = [b.user, b.group, b.invite].filter((x) => x !== undefined).length;
      if (subjects !== 1)
        out.push({
          path: `${at}[${i}]`,
          rule: 'binding-subject',
          message: `needs exactly one of user, group or invite (has ${subjects})`,
        });
      if (workspaceRoles && !WORKSPACE_ROLES.includes(b.role))
        out.push({
          path: `${at}[${i}].role`,
          rule: 'workspace-role',
          message: `must be one of ${WORKSPACE_ROLES.map((r) => JSON.stringify(r)).join(', ')}, got ${JSON.stringify(b.role)}`,
        });
    });
  check(w.bindings, `${path}.bindings`, true);
  (w.projects ?? []).forEach((p, i) => check(p.bindings, `${path}.projects[${i}].bindings`, false));
  return out;
}

/** Reads and checks a workspace data file (YAML, or JSON, which is YAML too); errors name the file, the JSON path and the rule. */
export function readWorkspaceData(file: string): WorkspaceData {
  let data: unknown;
  try {
    data = parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new InvalidFileError(file, 'workspace data file', [
      { path: '$', rule: 'yaml', message: (e as Error).message.split('\n')[0] },
    ]);
  }
  const problems = validateAgainst('workspace-data.schema.json', data);
  if (!problems.length)
    problems.push(...(data as WorkspaceData).workspaces.flatMap((w, i) => entryProblems(w, `$.workspaces[${i}]`)));
  if (problems.length) throw new InvalidFileError(file, 'workspace data file', problems);
  return data as WorkspaceData;
}
