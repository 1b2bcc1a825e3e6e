/**
 * Messages to workspace users, as meshStack's API sends them (`v1-preview`; meshcloud-docs, "Automating
 * Communication via meshStack API"): one meshCommunicationDefinition holds the message, then one
 * meshCommunication per target workspace delivers it. A POST has no name, so neither is ever sent
 * twice by a retry (a repeat would be a second message).
 */
import { MalformedResponseError, MeshformError } from '../../core/errors';
import { ShapeError } from './wire';

export type MessageType = 'ACTION_REQUIRED' | 'NOTIFICATION';

export interface MessageDraft {
  /** The definition's name in meshPanel's communication center. */
  readonly displayName: string;
  readonly title: string;
  /** Markdown. */
  readonly message: string;
  readonly type: MessageType;
  /** YYYY-MM-DD */
  readonly dueDate?: string;
  readonly skipEmailNotifications?: boolean;
}

export interface WorkspaceMessage {
  readonly uuid: string;
  readonly workspace: string;
  readonly sentAt?: string;
  readonly definition: string;
  readonly title: string;
  readonly message: string;
  readonly type: string;
  readonly dueDate?: string;
}

export interface SentMessage {
  readonly definition: string;
  readonly sent: { readonly workspace: string; readonly uuid: string }[];
}

/** The HTTP calls the messages need, all of media type version `v1-preview`. */
export interface CommunicationTransport {
  post(path: string, kind: string, body: unknown): Promise<unknown>;
  get(path: string, kind: string): Promise<unknown>;
  list(path: string, kind: string, key: string, query: Record<string, string>): Promise<unknown[]>;
}

export interface CommunicationApi {
  /** One definition, then a communication per workspace, in order; a failure says what was sent already. */
  send(draft: MessageDraft, workspaces: readonly string[]): Promise<SentMessage>;
  /** The messages sent to a workspace, oldest first. */
  list(workspace: string): Promise<WorkspaceMessage[]>;
}

type Json = Record<string, unknown>;
const object = (v: unknown, what: string): Json => {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new ShapeError(`${what} is not an object`);
  return v as Json;
};
const text = (v: unknown, what: string): string => {
  if (typeof v !== 'string') throw new ShapeError(`${what} is not a string`);
  return v;
};
/** A body of another shape is a typed error naming the call. */
async function parsed<T>(method: string, path: string, read: () => T | Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (e) {
    if (e instanceof ShapeError) throw new MalformedResponseError(method, `/api/meshobjects${path}`, e.message);
    throw e;
  }
}
const uuidOf = (v: unknown, kind: string) =>
  text(object(object(v, kind).metadata, `${kind}.metadata`).uuid, `${kind}.metadata.uuid`);

export function communicationApi(http: CommunicationTransport): CommunicationApi {
  return {
    async send(draft, workspaces) {
      const answer = await http.post('/meshcommunicationdefinitions', 'meshCommunicationDefinition', {
        apiVersion: 'v1-preview',
        kind: 'meshCommunicationDefinition',
        spec: {
          displayName: draft.displayName,
          communication: {
            title: draft.title,
            message: draft.message,
            type: draft.type,
            ...(draft.dueDate ? { dueDate: draft.dueDate } : {}),
            ...(draft.skipEmailNotifications ? { skipEmailNotifications: true } : {}),
          },
        },
      });
      const definition = await parsed('POST', '/meshcommunicationdefinitions', () =>
        uuidOf(answer, 'meshCommunicationDefinition'),
      );
      const sent: { workspace: string; uuid: string }[] = [];
      for (const workspace of workspaces) {
        try {
          const answer = await http.post('/meshcommunications', 'meshCommunication', {
            apiVersion: 'v1-preview',
            kind: 'meshCommunication',
            spec: {
              targetMeshObjectRef: { kind: 'meshWorkspace', name: workspace },
              communicationDefinitionRef: { uuid: definition },
            },
          });
          sent.push({
            workspace,
            uuid: await parsed('POST', '/meshcommunications', () => uuidOf(answer, 'meshCommunication')),
          });
        } catch (e) {
          const done = sent.length ? `sent to ${sent.map((s) => s.workspace).join(', ')}; ` : '';
          throw new MeshformError(
            'message-partly-sent',
            `${done}not sent to ${workspaces.slice(sent.length).join(', ')} (definition ${definition}): ${(e as Error).message}`,
            'terminal',
          );
        }
      }
      return { definition, sent };
    },
    list: (workspace) => parsed('GET', '/meshcommunications', () => messagesOf(http, workspace)),
  };
}

async function messagesOf(http: CommunicationTransport, workspace: string): Promise<WorkspaceMessage[]> {
  const items = await http.list('/meshcommunications', 'meshCommunication', 'meshCommunications', {
    workspaceIdentifier: workspace,
  });
  const definitions = new Map<string, Json>();
  const out: WorkspaceMessage[] = [];
  for (const item of items) {
    const o = object(item, 'meshCommunication');
    const spec = object(o.spec, 'meshCommunication.spec');
    const target = object(spec.targetMeshObjectRef, 'meshCommunication.spec.targetMeshObjectRef');
    // A platform that ignores the filter lists other targets too.
    if (target.kind !== 'meshWorkspace' || target.name !== workspace) continue;
    const ref = text(
      object(spec.communicationDefinitionRef, 'meshCommunication.spec.communicationDefinitionRef').uuid,
      'meshCommunication.spec.communicationDefinitionRef.uuid',
    );
    let def = definitions.get(ref);
    if (!def) {
      const raw = object(
        await http.get(`/meshcommunicationdefinitions/${encodeURIComponent(ref)}`, 'meshCommunicationDefinition'),
        'meshCommunicationDefinition',
      );
      def = object(
        object(raw.spec, 'meshCommunicationDefinition.spec').communication,
        'meshCommunicationDefinition.spec.communication',
      );
      definitions.set(ref, def);
    }
    const meta = object(o.metadata, 'meshCommunication.metadata');
    out.push({
      uuid: text(meta.uuid, 'meshCommunication.metadata.uuid'),
      workspace,
      ...(typeof meta.createdOn === 'string' ? { sentAt: meta.createdOn } : {}),
      definition: ref,
      title: text(def.title, 'communication.title'),
      message: text(def.message, 'communication.message'),
      type: text(def.type, 'communication.type'),
      ...(typeof def.dueDate === 'string' ? { dueDate: def.dueDate } : {}),
    });
  }
  return out.sort((a, b) => ((a.sentAt ?? '') < (b.sentAt ?? '') ? -1 : 1));
}
