/**
 * `meshform import --format yaml`: the estate as data, `workspaces.yaml` (schemas/workspace-data.schema.json),
 * with the notes as comments at the workspace or project they belong to, and a `main.ts` that reads
 * it with `readWorkspaceData` and declares it with `addWorkspaces`.
 */
import { Document, isMap, isSeq, type YAMLSeq } from 'yaml';
import type { WorkspaceData } from '../../schemas/workspace-data.generated';
import type { ImportNote, ImportedEstate } from './model';
import { oneLine } from './code';
import { type Header, type WrittenFile, appFile } from './typescript';

/** The comment lines a node gets for its notes. */
const comment = (notes: ImportNote[]) => notes.map((n) => ` meshform import: ${oneLine(n.text)}`).join('\n');

export function yamlFiles(estate: ImportedEstate, header: Header): WrittenFile[] {
  const data: WorkspaceData = { workspaces: estate.workspaces.map((w) => w.entry) };
  const doc = new Document(data);
  doc.commentBefore = ` ${estate.workspaces.length} workspace(s) imported from ${oneLine(header.endpoint)} on ${header.date} by meshform import (schema: meshform's schemas/workspace-data.schema.json).`;
  const items = (doc.get('workspaces') as YAMLSeq).items;
  estate.workspaces.forEach((w, i) => {
    const node = items[i];
    if (!isMap(node)) return;
    const own = w.notes.filter((n) => !n.project || !w.entry.projects?.some((p) => p.identifier === n.project));
    if (own.length) node.commentBefore = comment(own);
    const projects = node.get('projects');
    if (!isSeq(projects)) return;
    (w.entry.projects ?? []).forEach((p, j) => {
      const pn = projects.items[j];
      const notes = w.notes.filter((n) => n.project === p.identifier);
      if (isMap(pn) && notes.length) pn.commentBefore = comment(notes);
    });
  });
  const main = appFile(estate, header, {
    names: ['addWorkspaces', 'readWorkspaceData'],
    imports: '',
    // Relative to where synth runs the app: the repository (cdktf and meshform synth both run it there).
    calls:
      "// The workspaces are data: edit workspaces.yaml.\naddWorkspaces(stack, readWorkspaceData('workspaces.yaml'));\n",
  });
  return [
    { path: 'main.ts', text: main },
    { path: 'workspaces.yaml', text: doc.toString({ lineWidth: 0 }) },
  ];
}
