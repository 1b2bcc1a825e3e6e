/**
 * The declaration table (core/declaration.ts) is the one field list of a workspace and a project:
 * the JSON Schemas have exactly its fields, with its types, and every consumer (the constructs and
 * their data files, synth's provider attributes, the provider's schema, values and defaults, import's
 * TypeScript writer) carries each field and applies its default. A field added to the table and not
 * to a consumer (or to a schema and not to the table) fails here.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as meshform from '../../constructs';
import { Manifest } from '../../constructs/manifest';
import {
  type DeclarationField,
  type Fields,
  PROJECT_FIELDS,
  WORKSPACE_FIELDS,
  manifestValue,
  valueOrDefault,
} from '../../core/declaration';
import { schemaPath } from '../../core/json-schema';
import { workspaceAttributes } from '../../core/terraform-attributes';
import { typescriptFiles } from '../../controller/import/typescript';
import { desiredState } from '../../provider/resources/desired';
import {
  type Obj,
  WORKSPACE_SCHEMA,
  entryOf,
  objects,
  valueOf,
  withDefaults,
} from '../../provider/resources/workspace-value';
import type { BlockSpec } from '../../provider/protocol/schema';
import type { Workspace } from '../../schemas/desired-state.generated';
import type { ProjectEntry, WorkspaceEntry } from '../../schemas/workspace-data.generated';
import { scratchDir } from '../helpers/scratch';
import { testStack } from '../helpers/stack';

type Schema = Record<string, any>;
const schema = (file: string): Schema => JSON.parse(fs.readFileSync(schemaPath(file), 'utf8')) as Schema;
const DATA = schema('workspace-data.schema.json').$defs as Schema;
const MANIFEST = schema('desired-state.schema.json').$defs as Schema;

const TABLES: ReadonlyArray<{ what: 'workspace' | 'project'; fields: Fields }> = [
  { what: 'workspace', fields: WORKSPACE_FIELDS },
  { what: 'project', fields: PROJECT_FIELDS },
];
const eachField = TABLES.flatMap(({ what, fields }) =>
  Object.values(fields).map((f) => ({ what, fields, f, label: `${what} ${f.name}` })),
);
const defaulted = eachField.filter(({ f }) => f.default);

/** A value of the field that is not its default. */
function sample(f: DeclarationField): unknown {
  switch (f.type.kind) {
    case 'string':
      return f.name === 'identifier' ? 'sample-id' : 'Sample text';
    case 'integer':
      return 7;
    case 'enum':
      return f.type.values.find((v) => !(f.default && 'value' in f.default && f.default.value === v));
    case 'flag':
      return true;
    case 'tags':
      return { team: ['a', 'b'] };
    case 'deletion':
      return { reason: 'no longer needed' };
  }
}

/** A workspace entry that sets `f` (on its project, for a project field), or leaves it out. */
function entryWith(what: 'workspace' | 'project', f: DeclarationField | undefined): WorkspaceEntry {
  const own = <E extends { identifier: string }>(base: E): E => (f ? { ...base, [f.name]: sample(f) } : base);
  if (what === 'workspace') return own<WorkspaceEntry>({ identifier: 'ws-a' });
  return { identifier: 'ws-a', projects: [own<ProjectEntry>({ identifier: 'pr-a' })] };
}

/** The manifest workspace or project the entry declares, through the constructs (as the provider builds it). */
function manifestOf(what: 'workspace' | 'project', entry: WorkspaceEntry): object {
  const ws = desiredState({ stack: 'test', recertification: {} }, new Date('2026-11-25T12:00:00Z'), [entry]).state
    .workspaces[0];
  return what === 'workspace' ? ws : ws.projects[0];
}

/** The resource value (or project block) of a value of meshform_workspace. */
const holder = (what: 'workspace' | 'project', v: Obj): Obj => (what === 'workspace' ? v : objects(v.project)[0]);
/** The entry (or project entry) in a workspace entry. */
const declaration = (what: 'workspace' | 'project', e: WorkspaceEntry): Record<string, unknown> => ({
  ...(what === 'workspace' ? e : e.projects![0]),
});

/** What kind of field a JSON Schema property is, in the table's terms. */
function schemaKind(p: Schema): unknown {
  if (p.$ref === '#/$defs/Identifier') return { kind: 'string' };
  if (p.$ref === '#/$defs/Tags') return { kind: 'tags' };
  if (p.$ref === '#/$defs/Deletion') return { kind: 'deletion' };
  if (p.enum) return { kind: 'enum', values: p.enum };
  return { kind: ({ string: 'string', integer: 'integer', boolean: 'flag' } as Record<string, string>)[p.type] };
}
const tableKind = (f: DeclarationField) =>
  f.type.kind === 'enum' ? { kind: 'enum', values: f.type.values } : { kind: f.type.kind };

describe('the JSON Schemas have the table’s fields', () => {
  test.each(TABLES)('a $what entry of a workspace data file', ({ what, fields }) => {
    const def = DATA[what === 'workspace' ? 'WorkspaceEntry' : 'ProjectEntry'] as Schema;
    const own = Object.keys(def.properties).filter((k) => !['bindings', 'projects'].includes(k));
    expect(own.sort()).toEqual(Object.keys(fields).sort());
    for (const f of Object.values(fields))
      expect([f.name, schemaKind(def.properties[f.name])]).toEqual([f.name, tableKind(f)]);
    expect(def.required).toEqual(
      Object.values(fields)
        .filter((f) => f.required)
        .map((f) => f.name),
    );
  });

  test.each(TABLES)('a $what of the manifest', ({ what, fields }) => {
    const def = MANIFEST[what === 'workspace' ? 'Workspace' : 'Project'] as Schema;
    // What the constructs say besides the declaration: whether meshform owns the workspace, the project's workspace.
    const structural = ['spec.ownership', 'metadata.ownedByWorkspace'];
    const paths = ['metadata', 'spec'].flatMap((part) =>
      Object.keys(def.properties[part].properties)
        .map((k) => `${part}.${k}`)
        .filter((p) => !structural.includes(p)),
    );
    expect(paths.sort()).toEqual(
      Object.values(fields)
        .map((f) => f.manifest)
        .sort(),
    );
    for (const f of Object.values(fields)) {
      const [part, key] = f.manifest.split('.');
      expect([f.name, schemaKind(def.properties[part].properties[key])]).toEqual([f.name, tableKind(f)]);
    }
  });
});

describe('the provider’s schema has the table’s attributes', () => {
  const PROVIDER_OWN = ['id', 'allow', 'owner_stack'];
  test.each([
    { what: 'workspace', fields: WORKSPACE_FIELDS, block: WORKSPACE_SCHEMA.block, own: PROVIDER_OWN },
    { what: 'project', fields: PROJECT_FIELDS, block: WORKSPACE_SCHEMA.block.blocks!.project.block, own: [] },
  ])('$what', ({ fields, block, own }: { fields: Fields; block: BlockSpec; own: string[] }) => {
    const attributes = Object.keys(block.attributes).filter((a) => !own.includes(a));
    expect(attributes.sort()).toEqual(
      Object.values(fields)
        .map((f) => f.provider.attribute)
        .sort(),
    );
    for (const f of Object.values(fields)) {
      const a = block.attributes[f.provider.attribute];
      expect({ name: f.name, required: a.required === true, computed: a.computed === true }).toEqual({
        name: f.name,
        required: f.required === true || f.provider.required === true,
        computed: f.default !== undefined && f.provider.required !== true,
      });
    }
  });
});

describe('every consumer carries each field', () => {
  test.each(eachField)('$label: data file → constructs → manifest', ({ what, f }) => {
    expect(manifestValue(manifestOf(what, entryWith(what, f)), f)).toEqual(sample(f));
  });

  test.each(eachField)('$label: manifest → synth’s attributes → the provider’s entry', ({ what, f }) => {
    const ws = manifestOf('workspace', entryWith(what, f)) as Workspace;
    const attributes = holder(what, workspaceAttributes(ws) as Obj);
    expect(attributes[f.provider.attribute]).toEqual(f.type.kind === 'deletion' ? 'no longer needed' : sample(f));
    // The workspace's deletion_reason is what a destroy records, not a deletion the value declares.
    const declared = declaration(what, entryOf(workspaceAttributes(ws) as Obj))[f.name];
    expect(declared).toEqual(f.provider.onDestroy ? undefined : sample(f));
  });

  test.each(eachField)('$label: entry → the provider’s value (import) → entry', ({ what, f }) => {
    expect(declaration(what, entryOf(valueOf(entryWith(what, f))))[f.name]).toEqual(
      f.provider.onDestroy ? undefined : sample(f),
    );
  });

  const dir = scratchDir('declaration');
  let n = 0;
  /** The manifest the TypeScript import writes for the entry declares, run as a person's code would be. */
  function importedManifest(entry: WorkspaceEntry): Workspace {
    const out = path.join(dir, String(n++));
    const files = typescriptFiles(
      { tagDefinitions: [], workspaces: [{ entry, notes: [] }], unowned: [], notes: [] },
      { stackName: 'test', endpoint: 'http://x', date: '2026-11-25' },
    );
    for (const file of files.filter((x) => x.path.startsWith('workspaces/'))) {
      fs.mkdirSync(path.dirname(path.join(out, file.path)), { recursive: true });
      fs.writeFileSync(path.join(out, file.path), file.text);
    }
    const stack = testStack();
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- running the written code is the test
    const written = require(path.join(out, 'workspaces', `${entry.identifier}.ts`)) as Record<
      string,
      (stack: meshform.MeshStack) => unknown
    >;
    Object.values(written)[0](stack);
    return Manifest.of(stack).toDesiredState().workspaces[0];
  }

  test.each(eachField)('$label: import writes it (or, where it never does, leaves it out)', ({ what, f }) => {
    const entry = entryWith(what, f);
    const ws = importedManifest(entry);
    const written = manifestValue(what === 'workspace' ? ws : ws.projects[0], f);
    expect(written).toEqual(f.imported === 'never' ? undefined : sample(f));
  });

  test('the constructs’ enums are the table’s values', () => {
    for (const { f } of eachField)
      if (f.type.kind === 'enum' && f.type.constructEnum)
        expect(Object.values((meshform as Record<string, unknown>)[f.type.constructEnum] as object)).toEqual(
          f.type.values,
        );
  });
});

describe('every consumer applies the defaults', () => {
  test.each(defaulted)('$label: the constructs', ({ what, f }) => {
    const entry = entryWith(what, undefined);
    const expected = valueOrDefault(f, (name) => declaration(what, entry)[name]);
    expect(expected).toBeDefined();
    expect(manifestValue(manifestOf(what, entry), f)).toEqual(expected);
  });

  test.each(defaulted)('$label: the provider’s plan and import', ({ what, fields, f }) => {
    const entry = entryWith(what, undefined);
    const expected = valueOrDefault(f, (name) => declaration(what, entry)[name]);
    expect(holder(what, valueOf(entry))[f.provider.attribute]).toEqual(expected);
    if (f.provider.required) return;
    const value = valueOf(entry);
    holder(what, value)[f.provider.attribute] = null;
    withDefaults(fields, holder(what, value));
    expect(holder(what, value)[f.provider.attribute]).toEqual(expected);
  });
});
