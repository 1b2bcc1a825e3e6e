/** Tag definitions, and the checks every tag write goes through. */
import { tagValueProblem } from '../../core/desired-state-rules';
import type { TagDefinition } from '../../schemas/desired-state.generated';
import type { Principal } from '../auth';
import type { Tx } from '../db';
import { badRequest, forbidden } from '../problem';

export type TargetKind = 'meshWorkspace' | 'meshProject';

export async function tagDefinitions(tx: Tx, kind?: TargetKind): Promise<TagDefinition[]> {
  const rows = await tx.query<{ doc: TagDefinition }>('select doc from tag_definitions order by name');
  return rows.map((r) => r.doc).filter((d) => kind === undefined || d.spec.targetKind === kind);
}

/**
 * Checks a tag write against the definitions of `kind`: keys must be defined (once any definition
 * exists), values must fit, mandatory keys must be present, immutable ones may not change after
 * creation, and only partners may set or change restricted ones.
 */
export async function checkTagWrite(tx: Tx, p: Principal, kind: TargetKind, before: Record<string, string[]> | undefined, after: Record<string, string[]>): Promise<void> {
  const defs = await tagDefinitions(tx, kind);
  if (defs.length === 0) return;
  const byKey = new Map(defs.map((d) => [d.spec.key, d]));
  const changed = (key: string) => JSON.stringify(before?.[key] ?? null) !== JSON.stringify(after[key] ?? null);
  for (const [key, values] of Object.entries(after)) {
    const def = byKey.get(key);
    if (!def) throw badRequest(`tag '${key}' is not defined for ${kind}`);
    const problem = tagValueProblem(def, values);
    if (problem) throw badRequest(`tag '${key}': ${problem}`);
  }
  for (const def of defs) {
    const key = def.spec.key;
    if (def.spec.mandatory && !(key in after)) throw badRequest(`tag '${key}' is mandatory for ${kind}`);
    if (!changed(key)) continue;
    if (def.spec.restricted && !p.isPartner) throw forbidden(`tag '${key}' is restricted: only a partner may set it`);
    if (def.spec.immutable && before !== undefined) throw badRequest(`tag '${key}' is immutable: it can only be set when the ${kind} is created`);
  }
}
