/**
 * terraform-provider-meshform: the plugin protocol's calls, decoded, dispatched to the resources and
 * encoded back. The provider's configuration is meshform's connection (the same MESHSTACK_*
 * variables, or attributes that win over them) and the stack that owns the workspaces.
 */
import type { ReadMemo } from '../controller/client/http-client';
import { type SchemaSpec, impliedType, protoSchema } from './protocol/schema';
import {
  type CtyType,
  type Value,
  ValueTypeError,
  conform,
  decodeValue,
  encodeValue,
  hasUnknown,
  isObject,
  prune,
} from './protocol/values';
import type { PolicySource } from '../core/policy/policy-file';
import type { Diagnostic } from './resources/diagnostics';
import { error } from './resources/diagnostics';
import { TAG_DEFINITION_SCHEMA } from './resources/tag-definition-schema';
import type { ResourceContext } from './resources/workspace';
import { type Obj, WORKSPACE_SCHEMA } from './resources/workspace-value';

const PROVIDER_SCHEMA: SchemaSpec = {
  version: 0,
  block: {
    description:
      "meshform: meshStack workspaces, projects, role bindings and tag definitions, planned with all of meshStack's rules.",
    attributes: {
      endpoint: { type: 'string', optional: true, description: 'meshStack URL (default: MESHSTACK_ENDPOINT).' },
      api_key: {
        type: 'string',
        optional: true,
        sensitive: true,
        description: 'API key name (default: MESHSTACK_API_KEY).',
      },
      api_secret: {
        type: 'string',
        optional: true,
        sensitive: true,
        description: 'API key secret (default: MESHSTACK_API_SECRET).',
      },
      api_token: {
        type: 'string',
        optional: true,
        sensitive: true,
        description: 'API token, instead of key and secret (default: MESHSTACK_API_TOKEN).',
      },
      stack: {
        type: 'string',
        optional: true,
        description:
          'The meshform stack recorded as owner of these workspaces (their meshformStack tag). Default: "terraform".',
      },
      policy: {
        type: 'string',
        optional: true,
        description:
          "The organisation's policy file (YAML, as `meshform plan --policy`; default: MESHFORM_POLICY), judged in every plan: a deny is an error, a warn a warning.",
      },
      recertification: {
        type: ['map', 'number'],
        optional: true,
        description:
          "Role → maximum duration in days, as the platform's recertification settings (meshform's RolePolicy).",
      },
    },
  },
};

interface Operations {
  read(ctx: ResourceContext, state: Obj): Promise<{ state: Obj | null; diagnostics: Diagnostic[] }>;
  plan(
    ctx: ResourceContext,
    prior: Obj | null,
    proposed: Obj | null,
  ): Promise<{ planned: Obj | null; diagnostics: Diagnostic[] }>;
  apply(
    ctx: ResourceContext,
    prior: Obj | null,
    planned: Obj | null,
  ): Promise<{ state: Obj | null; diagnostics: Diagnostic[] }>;
  import(ctx: ResourceContext, id: string): Promise<{ state: Obj | null; diagnostics: Diagnostic[] }>;
}

/**
 * A resource's schema, and its operations loaded at their first call: Terraform starts the provider
 * for the schema and for validation too, which need none of the planning code (constructs, cdktf, CEL, HTTP).
 */
interface Resource {
  readonly schema: SchemaSpec;
  operations(): Promise<Operations>;
}

const RESOURCES: Record<string, Resource> = {
  meshform_workspace: {
    schema: WORKSPACE_SCHEMA,
    operations: () =>
      import('./resources/workspace').then((r) => ({
        read: r.readWorkspace,
        plan: r.planWorkspaceResource,
        apply: r.applyWorkspace,
        import: r.importWorkspace,
      })),
  },
  meshform_tag_definition: {
    schema: TAG_DEFINITION_SCHEMA,
    operations: () =>
      import('./resources/tag-definition').then((r) => ({
        read: r.readTagDefinition,
        plan: r.planTagDefinition,
        apply: r.applyTagDefinition,
        import: r.importTagDefinition,
      })),
  },
};

const DEFAULT_STACK = 'terraform';

type Bytes = { msgpack?: Buffer; json?: Buffer } | null | undefined;

function decode(dv: Bytes, type: CtyType): Value {
  if (dv?.msgpack?.length) return decodeValue(dv.msgpack, type);
  if (dv?.json?.length) return conform(JSON.parse(dv.json.toString('utf8')) as Value, type);
  return null;
}
const encode = (v: Value, type: CtyType) => ({ msgpack: encodeValue(v, type) });

function protoDiagnostics(ds: readonly Diagnostic[]): object[] {
  return ds.map((d) => ({
    severity: d.severity === 'error' ? 1 : 2,
    summary: d.summary,
    detail: d.detail,
    ...(d.path
      ? {
          attribute: {
            steps: d.path.map((p) => (typeof p === 'number' ? { element_key_int: p } : { attribute_name: p })),
          },
        }
      : {}),
  }));
}

/** An exception is a diagnostic too: Terraform shows it with the resource, and the provider keeps serving. */
function failure(e: unknown): Diagnostic[] {
  const message = e instanceof Error ? e.message : String(e);
  return [error(e instanceof ValueTypeError ? 'meshform: unexpected value' : 'meshform: request failed', message)];
}

/** The provider's state and its protocol handlers (the names are the protocol's rpc names). */
export function createProvider(
  env: NodeJS.ProcessEnv,
  log: (line: string) => void = (l) => process.stderr.write(l),
  /** Where a relative policy file is found: Terraform starts the provider in the configuration's directory. */
  cwd: string = process.cwd(),
) {
  // Per configuration: in debug mode one process serves many Terraform commands, each configuring it anew.
  let ctx: ResourceContext | undefined;
  // A plan's resources share what they read; an apply reads afresh. Made by each configuration (HTTP is loaded then).
  let memo: ReadMemo | undefined;
  const resource = (name: string): Resource => {
    const r = RESOURCES[name];
    if (!r) throw new Error(`meshform has no resource type ${name}`);
    return r;
  };
  const configured = (): ResourceContext => {
    if (!ctx) throw new Error('the provider is not configured');
    return ctx;
  };
  const typeOf = (name: string) => impliedType(resource(name).schema.block);
  const guarded =
    <Q, R extends object>(h: (req: Q) => Promise<R>) =>
    async (req: Q): Promise<R | { diagnostics: object[] }> => {
      try {
        return await h(req);
      } catch (e) {
        // stderr is Terraform's log (TF_LOG): the stack only with MESHFORM_DEBUG, as the CLI.
        log(
          `meshform provider: ${e instanceof Error ? ((env.MESHFORM_DEBUG ? e.stack : undefined) ?? e.message) : String(e)}\n`,
        );
        return { diagnostics: protoDiagnostics(failure(e)) };
      }
    };

  return {
    GetMetadata: guarded(async () => ({
      server_capabilities: { plan_destroy: true },
      resources: Object.keys(RESOURCES).map((type_name) => ({ type_name })),
      diagnostics: [],
    })),
    GetProviderSchema: guarded(async () => ({
      provider: protoSchema(PROVIDER_SCHEMA),
      resource_schemas: Object.fromEntries(Object.entries(RESOURCES).map(([n, r]) => [n, protoSchema(r.schema)])),
      data_source_schemas: {},
      server_capabilities: { plan_destroy: true },
      diagnostics: [],
    })),
    GetResourceIdentitySchemas: guarded(async () => ({ identity_schemas: {}, diagnostics: [] })),
    ValidateProviderConfig: guarded(async () => ({ diagnostics: [] })),
    ValidateResourceConfig: guarded(async (req: { type_name: string; config: Bytes }) => {
      decode(req.config, typeOf(req.type_name));
      return { diagnostics: [] };
    }),
    ValidateDataResourceConfig: guarded(async () => ({ diagnostics: [] })),
    UpgradeResourceState: guarded(async (req: { type_name: string; raw_state?: { json?: Buffer } }) => {
      const type = typeOf(req.type_name);
      const json = req.raw_state?.json?.length ? (JSON.parse(req.raw_state.json.toString('utf8')) as Value) : null;
      // Attributes added since the state was written come in as null, ones removed since are dropped.
      return { upgraded_state: { msgpack: encodeValue(prune(json, type), type) }, diagnostics: [] };
    }),
    ConfigureProvider: guarded(async (req: { config: Bytes }) => {
      // A configuration that fails leaves the provider unconfigured, whatever the one before was.
      ctx = undefined;
      const config = decode(req.config, impliedType(PROVIDER_SCHEMA.block)) as Obj;
      if (hasUnknown(config))
        return {
          diagnostics: protoDiagnostics([
            error(
              'meshform: provider configuration unknown',
              'The provider configuration depends on values known only after apply; meshform needs its endpoint and credentials to plan.',
            ),
          ]),
        };
      const str = (k: string) => (typeof config[k] === 'string' && config[k] !== '' ? config[k] : undefined);
      const merged: NodeJS.ProcessEnv = {
        ...env,
        ...(str('endpoint') ? { MESHSTACK_ENDPOINT: str('endpoint') } : {}),
        ...(str('api_key') ? { MESHSTACK_API_KEY: str('api_key') } : {}),
        ...(str('api_secret') ? { MESHSTACK_API_SECRET: str('api_secret') } : {}),
        ...(str('api_token') ? { MESHSTACK_API_TOKEN: str('api_token') } : {}),
      };
      // Read and compiled before any platform call: a bad policy file fails the configuration, naming the policy.
      const policyFile = str('policy') ?? (env.MESHFORM_POLICY || undefined);
      let policies: PolicySource[] | undefined;
      try {
        policies = policyFile
          ? [(await import('../core/policy/policy-file')).loadPolicyFile(policyFile, cwd)]
          : undefined;
      } catch (e) {
        return {
          diagnostics: protoDiagnostics([error('meshform: invalid policy file', (e as Error).message, ['policy'])]),
        };
      }
      // A new configuration reads afresh: nothing read for the one before carries over.
      const [{ connect }, { ReadMemo }] = await Promise.all([
        import('../controller/client/connection'),
        import('../controller/client/http-client'),
      ]);
      memo = new ReadMemo();
      const api = await connect(merged, {}, { readMemo: memo });
      const recertification = isObject(config.recertification)
        ? (config.recertification as Record<string, number>)
        : {};
      ctx = {
        api,
        endpoint: merged.MESHSTACK_ENDPOINT!,
        settings: { stack: str('stack') ?? DEFAULT_STACK, recertification },
        ...(policies ? { policies } : {}),
      };
      return { diagnostics: [] };
    }),
    ReadResource: guarded(async (req: { type_name: string; current_state: Bytes; private?: Buffer }) => {
      const type = typeOf(req.type_name);
      const current = decode(req.current_state, type) as Obj | null;
      if (!current) return { new_state: encode(null, type), diagnostics: [], private: req.private };
      const { state, diagnostics } = await (await resource(req.type_name).operations()).read(configured(), current);
      return { new_state: encode(state, type), diagnostics: protoDiagnostics(diagnostics), private: req.private };
    }),
    PlanResourceChange: guarded(async (req: { type_name: string; prior_state: Bytes; proposed_new_state: Bytes }) => {
      const type = typeOf(req.type_name);
      const prior = decode(req.prior_state, type) as Obj | null;
      const proposed = decode(req.proposed_new_state, type) as Obj | null;
      const { planned, diagnostics } = await (
        await resource(req.type_name).operations()
      ).plan(configured(), prior, proposed);
      return { planned_state: encode(planned, type), requires_replace: [], diagnostics: protoDiagnostics(diagnostics) };
    }),
    ApplyResourceChange: guarded(async (req: { type_name: string; prior_state: Bytes; planned_state: Bytes }) => {
      memo?.off();
      const type = typeOf(req.type_name);
      const prior = decode(req.prior_state, type) as Obj | null;
      const planned = decode(req.planned_state, type) as Obj | null;
      const { state, diagnostics } = await (
        await resource(req.type_name).operations()
      ).apply(configured(), prior, planned);
      return { new_state: encode(state, type), diagnostics: protoDiagnostics(diagnostics) };
    }),
    ImportResourceState: guarded(async (req: { type_name: string; id: string }) => {
      const type = typeOf(req.type_name);
      const { state, diagnostics } = await (await resource(req.type_name).operations()).import(configured(), req.id);
      return {
        imported_resources: state ? [{ type_name: req.type_name, state: encode(state, type) }] : [],
        diagnostics: protoDiagnostics(diagnostics),
      };
    }),
    ReadDataSource: guarded(async (req: { type_name: string }) => ({
      diagnostics: protoDiagnostics([error('meshform has no data sources', `unknown data source ${req.type_name}`)]),
    })),
    StopProvider: guarded(async () => ({ Error: '' })),
  };
}
