/**
 * A 403 on a workspace the code declares: the API key cannot see it (a workspace-scoped key, or the
 * wrong key). The platform's answer names a URL; this names the workspace and the
 * declared workspaces the key does see, for --workspace.
 */
import { MeshformError, isApiError } from '../core/errors';
import type { ApiClient } from './client/api';

/** The declared workspace a 403 is about (its name in the call's path or filter), if it is one. */
function forbiddenWorkspace(e: unknown, declared: readonly string[]): string | undefined {
  if (!isApiError(e) || e.status !== 403) return undefined;
  const segments = decodeURIComponent(e.path).split(/[/?&=.]/);
  return declared.find((name) => segments.includes(name));
}

/** Runs `read`; a 403 on a declared workspace becomes an error that says what to do. */
export async function explainingForbidden<T>(
  api: ApiClient,
  declared: readonly string[],
  read: () => Promise<T>,
): Promise<T> {
  try {
    return await read();
  } catch (e) {
    const name = forbiddenWorkspace(e, declared);
    if (name === undefined) throw e;
    const visible = new Set((await api.workspaces.list().catch(() => [])).map((w) => w.name));
    const seen = declared.filter((d) => visible.has(d));
    throw new MeshformError(
      'workspace-forbidden',
      `the API key cannot see workspace "${name}" (403): it does not exist for this key, or the key is not one of its members. ` +
        (seen.length
          ? `This key sees ${seen.length} workspace(s) of the code: plan them with --workspace ${seen.join(',')}, or use a key with rights on "${name}".`
          : `It sees none of the code's workspaces: use a key with rights on them (a partner key sees all).`),
      'terminal',
    );
  }
}
