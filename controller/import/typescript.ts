/**
 * The TypeScript `meshform import` writes: `main.ts`, the app (tag definitions, the role policy, one
 * call per workspace), and `workspaces/<identifier>.ts` per workspace, as a person would write them:
 * named constants for subjects used more than once, `grant(...)`, `addProject(...)`, comments where
 * the platform has something the code cannot say. Every string goes through `literal`, every name
 * through `identifier`, so no live value can break out of the code it is written into.
 */
import { DEFAULT_PROJECT_ROLES, WORKSPACE_MANAGER, WORKSPACE_MEMBER, WORKSPACE_OWNER } from '../../core/rules';
import type { TagDefinition } from '../../schemas/desired-state.generated';
import type { Binding } from '../../schemas/workspace-data.generated';
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

const RESERVED = new Set(
  'break case catch class const continue debugger default delete do else enum export extends false finally for function if import in instanceof new null return super switch this throw true try typeof var void while with as implements interface let package private protected public static yield await any boolean constructor declare get module require number set string symbol type from of undefined arguments eval'.split(
    ' ',
  ),
);
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

/** A single-quoted string literal: quotes, backslashes, control and line-separator characters escaped. */
export function literal(s: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what it escapes
  return `'${s.replace(/[\\'\u0000-\u001f\u007f\u2028\u2029]/g, (c) => (c === '\\' ? '\\\\' : c === "'" ? "\\'" : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`))}'`;
}

/** Platform text on one line: control characters and JavaScript's line terminators (U+2028/9) become spaces. */
// eslint-disable-next-line no-control-regex -- control characters are what it replaces
export const oneLine = (s: string) => s.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ');

/** A comment's text: one line, nothing that ends or nests a comment. */
const commentText = (s: string) => oneLine(s).replace(/\*\//g, '* /');

/** A valid, unused TypeScript identifier from any text (`payments-prod` → `paymentsProd`, `42` → `_42`). */
export function identifier(text: string, taken: Set<string>, suffix = ''): string {
  const words = text
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .filter(Boolean);
  let base =
    words
      .map((w, i) => (i === 0 ? w.charAt(0).toLowerCase() + w.slice(1) : w.charAt(0).toUpperCase() + w.slice(1)))
      .join('') + suffix;
  if (!base) base = 'unnamed';
  if (/^[0-9]/.test(base)) base = `_${base}`;
  if (RESERVED.has(base)) base = `${base}_`;
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}${i}`;
  taken.add(name);
  return name;
}

const key = (k: string) => (/^[A-Za-z_$][\w$]*$/.test(k) && !RESERVED.has(k) ? k : literal(k));
const tagsLiteral = (tags: Record<string, string | string[]>) =>
  `{ ${Object.entries(tags)
    .map(([k, v]) => `${key(k)}: ${Array.isArray(v) ? `[${v.map(literal).join(', ')}]` : literal(v)}`)
    .join(', ')} }`;

const WORKSPACE_ROLE_NAMES: Record<string, string> = {
  [WORKSPACE_OWNER]: 'WorkspaceRole.OWNER',
  [WORKSPACE_MANAGER]: 'WorkspaceRole.MANAGER',
  [WORKSPACE_MEMBER]: 'WorkspaceRole.MEMBER',
};
const PROJECT_ROLE_NAMES: Record<string, string> = Object.fromEntries(
  DEFAULT_PROJECT_ROLES.map((r, i) => [r, `ProjectRole.${['ADMIN', 'USER', 'READER'][i]}`]),
);

const subjectKey = (b: Binding) => (b.group !== undefined ? `group:${b.group}` : `user:${b.user}`);
const subjectExpr = (b: Binding) =>
  b.group !== undefined ? `Group.fromGroupName(${literal(b.group)})` : `User.fromUsername(${literal(b.user!)})`;
const comments = (notes: ImportNote[], indent: string) =>
  notes.map((n) => `${indent}// meshform import: ${commentText(n.text)}\n`).join('');

function valueTypeExpr(d: TagDefinition): string {
  const vt = d.spec.valueType;
  const opts = (o: Record<string, unknown>) => {
    const entries = Object.entries(o).filter(([, v]) => v !== undefined);
    return entries.length
      ? `{ ${entries.map(([k, v]) => `${k}: ${typeof v === 'string' ? literal(v) : JSON.stringify(v)}`).join(', ')} }`
      : '';
  };
  if (vt.singleSelect)
    return `TagValueType.singleSelect([${vt.singleSelect.options.map(literal).join(', ')}]${vt.singleSelect.defaultValue !== undefined ? `, ${literal(vt.singleSelect.defaultValue)}` : ''})`;
  if (vt.multiSelect)
    return `TagValueType.multiSelect([${vt.multiSelect.options.map(literal).join(', ')}]${vt.multiSelect.defaultValue !== undefined ? `, [${vt.multiSelect.defaultValue.map(literal).join(', ')}]` : ''})`;
  const [kind, o] = Object.entries(vt)[0] as [string, Record<string, unknown>];
  return `TagValueType.${kind}(${opts(o)})`;
}

function tagDefinitionCode(d: TagDefinition): string {
  const s = d.spec;
  const props = [
    `targetKind: ${literal(s.targetKind)}`,
    `key: ${literal(s.key)}`,
    `displayName: ${literal(s.displayName)}`,
    ...(s.description !== undefined ? [`description: ${literal(s.description)}`] : []),
    `valueType: ${valueTypeExpr(d)}`,
    ...(s.restricted ? ['restricted: true'] : []),
    ...(s.mandatory ? ['mandatory: true'] : []),
    ...(s.immutable ? ['immutable: true'] : []),
  ];
  return `new TagDefinition(stack, ${literal(d.metadata.name)}, { ${props.join(', ')} });\n`;
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
        name: identifier(b.group ?? b.user!, local, b.group !== undefined ? 'Group' : ''),
        expr: subjectExpr(b),
      });
  }
  const subject = (b: Binding) => constants.get(subjectKey(b))?.name ?? subjectExpr(b);
  const grant = (target: string, b: Binding, roles: Record<string, string>) => {
    const opts = [
      ...(b.expiryDate !== undefined ? [`expiryDate: ${literal(b.expiryDate)}`] : []),
      ...(b.reason !== undefined ? [`reason: ${literal(b.reason)}`] : []),
    ];
    return `  ${target}.grant(${roles[b.role] ?? literal(b.role)}, ${subject(b)}${opts.length ? `, { ${opts.join(', ')} }` : ''});\n`;
  };
  const wsNotes = w.notes.filter((n) => !n.project);
  const props = [
    `identifier: ${literal(e.identifier)}`,
    `displayName: ${literal(e.displayName ?? e.identifier)}`,
    ...(e.tags ? [`tags: ${tagsLiteral(e.tags)}`] : []),
    ...(e.status ? [`status: ${literal(e.status)}`] : []),
    ...(e.projectQuota !== undefined ? [`projectQuota: ${e.projectQuota}`] : []),
    `bindingManagement: BindingManagement.${e.bindingManagement === 'authoritative' ? 'AUTHORITATIVE' : 'ADDITIVE'}`,
    ...(e.adopt ? ['adopt: true'] : []),
  ];
  const names = [
    'BindingManagement',
    ...(all.some((b) => b.group !== undefined) ? ['Group'] : []),
    'type MeshStack',
    ...((e.projects ?? []).some((p) => (p.bindings ?? []).some((b) => PROJECT_ROLE_NAMES[b.role]))
      ? ['ProjectRole']
      : []),
    ...(all.some((b) => b.user !== undefined) ? ['User'] : []),
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
    const pProps = [
      `identifier: ${literal(p.identifier)}`,
      `displayName: ${literal(p.displayName ?? p.identifier)}`,
      ...(p.tags ? [`tags: ${tagsLiteral(p.tags)}`] : []),
    ];
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
  const roleKey = (role: string) => (WORKSPACE_ROLE_NAMES[role] ? `[${WORKSPACE_ROLE_NAMES[role]}]` : literal(role));
  const libNames = [
    ...declare.names,
    'MeshStack',
    ...(Object.keys(recert).length ? ['RolePolicy'] : []),
    ...(estate.tagDefinitions.length ? ['TagDefinition', 'TagValueType'] : []),
    ...(Object.keys(recert).some((r) => WORKSPACE_ROLE_NAMES[r]) ? ['WorkspaceRole'] : []),
  ];
  let main = `/**\n * ${estate.workspaces.length} workspace(s) imported from ${commentText(header.endpoint)} on ${header.date} by \`meshform import\`.\n * \`npx meshform synth\` then \`npx meshform plan\` shows "No changes" until the code or the platform changes.\n */\n`;
  main += `import { App } from 'meshform/cdktf';\nimport { ${libNames.join(', ')} } from 'meshform';\n${declare.imports}`;
  main += `\nconst app = new App({ skipValidation: true });\nconst stack = new MeshStack(app, ${literal(header.stackName)});\n\n`;
  main += comments(estate.notes, '');
  for (const d of estate.tagDefinitions) main += tagDefinitionCode(d);
  if (Object.keys(recert).length)
    main += `new RolePolicy(stack, 'Recertification', { maxDurationDays: { ${Object.entries(recert)
      .map(([r, days]) => `${roleKey(r)}: ${days}`)
      .join(', ')} } });\n`;
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
