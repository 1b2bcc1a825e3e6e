/** meshProjectUserBinding / meshProjectGroupBinding (v3): list, get, create (4-eyes like workspace grants); bindings.ts deletes. */
import type { Principal } from '../auth';
import type { Tx } from '../db';
import type { ListSort } from '../hal';
import { notFound } from '../problem';
import type { ProjectBindingRow } from '../representations';
import { accessTo, requireManager, requireWritable } from './access';
import type { SubjectKind } from './bindings';
import { type GrantOutcome, requestOrApply } from './grants';
import { bindingName as checkedBindingName, optStr, str } from './input';
import { pagedQuery } from './paging';
import { seesProject } from './projects';

export async function listProjectBindings(
  tx: Tx,
  p: Principal,
  kind: SubjectKind,
  workspace: string,
  project: string,
  limit: number,
  offset: number,
  sort?: ListSort,
) {
  await accessTo(tx, p, workspace);
  // A project hidden from a Member has no bindings for them either.
  if (!(await seesProject(tx, p, workspace, project))) return { rows: [], total: 0 };
  return pagedQuery<ProjectBindingRow & { display_name: string }>(
    tx,
    {
      select: 'b.*, pr.display_name',
      from: 'project_bindings b join projects pr on pr.workspace = b.workspace and pr.name = b.project where b.subject_kind = $1 and b.workspace = $2 and b.project = $3',
      orderBy: 'b.name',
      params: [kind, workspace, project],
      sort,
      alias: 'b',
    },
    limit,
    offset,
  );
}

/** A binding with its project's display name, without an access check (callers check). */
export async function loadProjectBinding(
  tx: Tx,
  kind: SubjectKind,
  name: string,
): Promise<ProjectBindingRow & { display_name: string }> {
  const [row] = await tx.query<ProjectBindingRow & { display_name: string }>(
    'select b.*, pr.display_name from project_bindings b join projects pr on pr.workspace = b.workspace and pr.name = b.project where b.name = $1 and b.subject_kind = $2',
    [name, kind],
  );
  if (!row) throw notFound(`binding '${name}' not found`);
  return row;
}

export async function getProjectBinding(tx: Tx, p: Principal, kind: SubjectKind, name: string) {
  const row = await loadProjectBinding(tx, kind, name);
  await accessTo(tx, p, row.workspace);
  return row;
}

/** `extensions`: whether the body's `expiryDate` and `reason` are read (sandbox extensions: meshStack's v3 project bindings have neither). */
export async function createProjectBinding(
  tx: Tx,
  p: Principal,
  kind: SubjectKind,
  body: unknown,
  now: Date,
  extensions = true,
): Promise<GrantOutcome & { workspace: string; bindingName: string }> {
  const bindingName = checkedBindingName(body, 'metadata.name');
  const workspace = str(body, 'targetRef.ownedByWorkspace');
  const a = await accessTo(tx, p, workspace, { lock: true });
  requireManager(a, 'manage project access');
  requireWritable(a);
  const outcome = await requestOrApply(
    tx,
    a,
    {
      workspace,
      project: str(body, 'targetRef.name'),
      bindingName,
      subjectKind: kind,
      subject: str(body, 'subject.name'),
      role: str(body, 'roleRef.name'),
      expiryDate: extensions ? optStr(body, 'expiryDate') : undefined,
      reason: extensions ? optStr(body, 'reason') : undefined,
    },
    now,
  );
  return { ...outcome, workspace, bindingName };
}
