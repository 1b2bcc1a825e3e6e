/**
 * The TypeScript `meshform import` writes: `main.ts`, the app (tag definitions, the role policy, one
 * call per workspace), and `workspaces/<identifier>.ts` per workspace, as a person would write them:
 * named constants for subjects used more than once, `grant(...)`, `addProject(...)`, comments where
 * the platform has something the code cannot say. Code is written only through `./code` (the one
 * escaping emitter), so no live value can break out of the code it is written into.
 */
import {
  type DeclarationField,
  type Fields,
  PROJECT_FIELDS,
  WORKSPACE_FIELDS,
  valueOrDefault,
} from '../../core/declaration';
import { DEFAULT_PROJECT_ROLES, WORKSPACE_MANAGER, WORKSPACE_MEMBER, WORKSPACE_OWNER } from '../../core/rules';
import type { TagDefinition } from '../../schemas/desired-state.generated';
import type { Binding } from '../../schemas/workspace-data.generated';
import { commentText, identifier, integerCode, literal, objectCode, propertyKey, valueTypeCode } from './code';
import type { ImportNote, ImportedEstate, ImportedWorkspace } from './model';

export interface WrittenFile {
  readonly path: string;
  readonly text: string;
}

export interface Header {
  readonly stackName: string;
  readonly endpoint: string;
  readonly date: string;
}

/** Names the generated files import or declare themselves. */
const TAKEN = [
  'App',
  'MeshStack',
  'Workspace',
  'User',
  'Group',
  'WorkspaceRole',
  'ProjectRole',
  'BindingManagement',
  'TagDefinition',
  'TagValueType',
  'RolePolicy',
  'stack',
  'app',
  'ws',
  'scope',
];

const tagsLiteral = (tags: Record<string, string | string[]>) =>
  objectCode(
    Object.entries(tags).map(([k, v]) => [k, Array.isArray(v) ? `[${v.map(literal).join(', ')}]` : literal(v)]),
  );

// Maps, not objects: a role the platform names `constructor` must not find Object's constructor.
const WORKSPACE_ROLE_NAMES = new Map([
  [WORKSPACE_OWNER, 'WorkspaceRole.OWNER'],
  [WORKSPACE_MANAGER, 'WorkspaceRole.MANAGER'],
  [WORKSPACE_MEMBER, 'WorkspaceRole.MEMBER'],
]);
const PROJECT_ROLE_NAMES = new Map<string, string>(
  DEFAULT_PROJECT_ROLES.map((r, i) => [r, `ProjectRole.${['ADMIN', 'USER', 'READER'][i]}`]),
);

const subjectKey = (b: Binding) =>
  b.group !== undefined ? `group:${b.group}` : b.invite !== undefined ? `invite:${b.invite.email}` : `user:${b.user}`;
function subjectExpr(b: Binding): string {
  if (b.group !== undefined) return `Group.fromGroupName(${literal(b.group)})`;
  if (b.invite !== undefined)
    return `User.invite(${objectCode([
      ['firstName', literal(b.invite.firstName)],
      ['lastName', literal(b.invite.lastName)],
      ['email', literal(b.invite.email)],
    ])})`;
  return `User.fromUsername(${literal(b.user!)})`;
}
const comments = (notes: ImportNote[], indent: string) =>
  notes.map((n) => `${indent}// meshform import: ${commentText(n.text)}\n`).join('');

function tagDefinitionCode(d: TagDefinition): string {
  const s = d.spec;
  const props = [
    `targetKind: ${literal(s.targetKind)}`,
    `key: ${literal(s.key)}`,
    `displayName: ${literal(s.displayName)}`,
    ...(s.description !== undefined ? [`description: ${literal(s.description)}`] : []),
    `valueType: ${valueTypeCode(s.valueType, `tag definition ${JSON.stringify(d.metadata.name)}`)}`,
    ...(s.restricted ? ['restricted: true'] : []),
    ...(s.mandatory ? ['mandatory: true'] : []),
    ...(s.immutable ? ['immutable: true'] : []),
  ];
  return `new TagDefinition(stack, ${literal(d.metadata.name)}, { ${props.join(', ')} });\n`;
}

/** The declaration fields import writes for an entry, with their values (or defaults), in the table's order. */
function writtenFields(fields: Fields, entry: object): Array<[DeclarationField, unknown]> {
  const valueOf = (name: string) => (entry as Record<string, unknown>)[name];
  return Object.values(fields).flatMap((f): Array<[DeclarationField, unknown]> => {
    const v =
      f.imported === 'always' ? valueOrDefault(f, valueOf) : f.imported === 'when-set' ? valueOf(f.name) : undefined;
    // A flag that is false is not set.
    return v === undefined || v === false ? [] : [[f, v]];
  });
}

/** `bindingManagement` → `binding management`, as an error names a field. */
const words = (name: string) => name.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`);

/** A construct prop as code: `name: value`; `where` names the declaration in an error. */
function propCode(f: DeclarationField, v: unknown, where: string): string {
  const code = (): string => {
    switch (f.type.kind) {
      case 'string':
        return literal(v as string);
      case 'integer':
        return integerCode(v as number, `${where}'s ${words(f.name)}`);
      case 'enum':
        return f.type.constructEnum ? `${f.type.constructEnum}.${(v as string).toUpperCase()}` : literal(v as string);
      case 'flag':
        return 'true';
      case 'tags':
        return tagsLiteral(v as Record<string, string | string[]>);
      case 'deletion':
        return objectCode([['reason', literal((v as { reason: string }).reason)]]);
    }
  };
  return `${f.name}: ${code()}`;
}

/** `workspaces/<identifier>.ts`: one exported function that declares the workspace in a stack. */
function workspaceFile(w: ImportedWorkspace, fn: string, header: Header): string {
  const e = w.entry;
  const local = new Set([...TAKEN, fn]);
  const all = [...(e.bindings ?? []), ...(e.projects ?? []).flatMap((p) => p.bindings ?? [])];
  const uses = new Map<string, number>();
  for (const b of all) uses.set(subjectKey(b), (uses.get(subjectKey(b)) ?? 0) + 1);
  // A subject used more than once gets a constant, named after it.
  const constants = new Map<string, { name: string; expr: string }>();
  for (const b of all) {
    const k = subjectKey(b);
    if ((uses.get(k) ?? 0) > 1 && !constants.has(k))
      constants.set(k, {
        name: identifier(b.group ?? b.invite?.email ?? b.user!, local, b.group !== undefined ? 'Group' : ''),
        expr: subjectExpr(b),
      });
  }
  const subject = (b: Binding) => constants.get(subjectKey(b))?.name ?? subjectExpr(b);
  const grant = (target: string, b: Binding, roles: ReadonlyMap<string, string>) => {
    const opts = [
      ...(b.expiryDate !== undefined ? [`expiryDate: ${literal(b.expiryDate)}`] : []),
      ...(b.reason !== undefined ? [`reason: ${literal(b.reason)}`] : []),
    ];
    return `  ${target}.grant(${roles.get(b.role) ?? literal(b.role)}, ${subject(b)}${opts.length ? `, { ${opts.join(', ')} }` : ''});\n`;
  };
  const wsNotes = w.notes.filter((n) => !n.project);
  const fields = writtenFields(WORKSPACE_FIELDS, e);
  const props = fields.map(([f, value]) => propCode(f, value, `workspace ${JSON.stringify(e.identifier)}`));
  const names = [
    ...fields.flatMap(([f]) => (f.type.kind === 'enum' && f.type.constructEnum ? [f.type.constructEnum] : [])),
    ...(all.some((b) => b.group !== undefined) ? ['Group'] : []),
    'type MeshStack',
    ...((e.projects ?? []).some((p) => (p.bindings ?? []).some((b) => PROJECT_ROLE_NAMES.has(b.role)))
      ? ['ProjectRole']
      : []),
    ...(all.some((b) => b.user !== undefined || b.invite !== undefined) ? ['User'] : []),
    'Workspace',
    ...((e.bindings ?? []).length ? ['WorkspaceRole'] : []),
  ];
  let out = `/** ${commentText(e.identifier)}: ${commentText(e.displayName ?? e.identifier)}. Imported from ${commentText(header.endpoint)} on ${header.date} by \`meshform import\`. */\n`;
  out += `import { ${names.join(', ')} } from 'meshform';\n\n`;
  out += `export function ${fn}(stack: MeshStack): Workspace {\n`;
  for (const c of constants.values()) out += `  const ${c.name} = ${c.expr};\n`;
  if (constants.size) out += '\n';
  out += comments(wsNotes, '  ');
  out += `  const ws = new Workspace(stack, ${literal(e.identifier)}, {\n${props.map((p) => `    ${p},\n`).join('')}  });\n`;
  for (const b of e.bindings ?? []) out += grant('ws', b, WORKSPACE_ROLE_NAMES);
  const projectVars = new Set(local);
  for (const p of e.projects ?? []) {
    const v = identifier(p.identifier, projectVars);
    const pNotes = w.notes.filter((n) => n.project === p.identifier);
    const pProps = writtenFields(PROJECT_FIELDS, p).map(([f, value]) =>
      propCode(f, value, `project ${JSON.stringify(p.identifier)}`),
    );
    out += `\n${comments(pNotes, '  ')}`;
    const call = `ws.addProject(${literal(p.identifier)}, { ${pProps.join(', ')} })`;
    if (p.bindings?.length) {
      out += `  const ${v} = ${call};\n`;
      for (const b of p.bindings) out += grant(v, b, PROJECT_ROLE_NAMES);
    } else out += `  ${call};\n`;
  }
  // Notes on projects that are not written (being deleted, or pending requests on them).
  const written = new Set((e.projects ?? []).map((p) => p.identifier));
  const orphans = w.notes.filter((n) => n.project && !written.has(n.project));
  if (orphans.length) out += `\n${comments(orphans, '  ')}`;
  out += '  return ws;\n}\n';
  return out;
}

/**
 * `main.ts`: the app, its tag definitions and role policy, then the workspaces: `imports` and
 * `calls` are what declares them (one function per workspace file, or the data file's loader).
 */
export function appFile(
  estate: ImportedEstate,
  header: Header,
  declare: { readonly names: string[]; readonly imports: string; readonly calls: string },
): string {
  const recert = estate.recertification ?? {};

  const libNames = [
    ...declare.names,
    'MeshStack',
    ...(Object.keys(recert).length ? ['RolePolicy'] : []),
    ...(estate.tagDefinitions.length ? ['TagDefinition', 'TagValueType'] : []),
    ...(Object.keys(recert).some((r) => WORKSPACE_ROLE_NAMES.has(r)) ? ['WorkspaceRole'] : []),
  ];
  let main = `/**\n * ${estate.workspaces.length} workspace(s) imported from ${commentText(header.endpoint)} on ${header.date} by \`meshform import\`.\n * \`npx meshform synth\` then \`npx meshform plan\` shows "No changes" until the code or the platform changes.\n */\n`;
  main += `import { App } from 'meshform/cdktf';\nimport { ${libNames.join(', ')} } from 'meshform';\n${declare.imports}`;
  main += `\nconst app = new App({ skipValidation: true });\nconst stack = new MeshStack(app, ${literal(header.stackName)});\n\n`;
  main += comments(estate.notes, '');
  for (const d of estate.tagDefinitions) main += tagDefinitionCode(d);
  if (Object.keys(recert).length) {
    const days = Object.entries(recert).map(([r, n]) => {
      const constant = WORKSPACE_ROLE_NAMES.get(r);
      return `${constant ? `[${constant}]` : propertyKey(r)}: ${integerCode(n, `the recertification of ${JSON.stringify(r)}`)}`;
    });
    main += `new RolePolicy(stack, 'Recertification', { maxDurationDays: { ${days.join(', ')} } });\n`;
  }
  if (estate.tagDefinitions.length || Object.keys(recert).length) main += '\n';
  return `${main}${declare.calls}\napp.synth();\n`;
}

/** A workspace's file name: its identifier where that is a plain meshStack identifier (a hostile name never becomes a path). */
const fileName = (id: string, fn: string) => (/^[a-z0-9][a-z0-9-]{0,62}$/.test(id) ? id : fn);

/** Every file, paths relative to the output directory. */
export function typescriptFiles(estate: ImportedEstate, header: Header): WrittenFile[] {
  const fns = new Set(TAKEN);
  const workspaces = estate.workspaces.map((w) => {
    const fn = identifier(w.entry.identifier, fns);
    return { w, fn, file: fileName(w.entry.identifier, fn) };
  });
  const main = appFile(estate, header, {
    names: [],
    imports: workspaces.map(({ fn, file }) => `import { ${fn} } from './workspaces/${file}';\n`).join(''),
    calls: workspaces.map(({ fn }) => `${fn}(stack);\n`).join(''),
  });
  return [
    { path: 'main.ts', text: main },
    ...workspaces.map(({ w, fn, file }) => ({ path: `workspaces/${file}.ts`, text: workspaceFile(w, fn, header) })),
  ];
}
