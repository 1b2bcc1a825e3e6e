import { Construct } from 'constructs';
import { sha256Hex } from '../../core/canonical-json';
import { describeSubject } from '../../core/rules';
import type { ProjectBinding as ProjectBindingJson } from '../../schemas/desired-state.generated';
import { addManifestValidation } from './validation';
import type { ISubject } from '../subject';
import { renderExpiry, renderSubject } from './rendering';

/** Options every binding shares. */
export interface BindingOptions {
  /**
   * When the binding ends: a Date, a day (`YYYY-MM-DD`, valid through that day UTC, as meshStack's
   * expiryDate) or an RFC 3339 date-time. Required for roles with a recertification maximum.
   * @default - the binding does not expire
   */
  readonly expiryDate?: string | Date;
  /**
   * Why the access is granted; shown in plans and recorded with the change.
   * @default - no reason
   */
  readonly reason?: string;
}

/** Role, subject, expiry and reason: the part of workspace and project bindings that is the same. */
export abstract class BindingBase extends Construct {
  constructor(
    scope: Construct,
    id: string,
    public readonly role: string,
    public readonly subject: ISubject,
    private readonly options: BindingOptions,
  ) {
    super(scope, id);
    addManifestValidation(this);
  }

  /** Orders bindings in the manifest. */
  public get sortKey(): string {
    return `${this.role}\u0000${this.subject.kind}\u0000${this.subject.name}`;
  }

  protected renderBinding(): ProjectBindingJson {
    const expiryDate = renderExpiry(this.options.expiryDate);
    return {
      roleRef: { name: this.role },
      subject: renderSubject(this.subject),
      ...(expiryDate !== undefined ? { expiryDate } : {}),
      ...(this.options.reason !== undefined ? { reason: this.options.reason } : {}),
    };
  }
}

/**
 * `WorkspaceMember-user-alice`, `ProjectReader-group-payments-devs`: whose binding it is, readable in
 * construct paths and messages. A name with characters other than letters, digits and `@._-` gets a
 * short hash, so that two names never meet in one id.
 */
function readableId(role: string, subject: ISubject): string {
  const roleId =
    role
      .replace(/[^A-Za-z0-9]+/g, ' ')
      .trim()
      .split(' ')
      .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
      .join('') || 'Role';
  const name = subject.name.replace(/[^A-Za-z0-9@._-]+/g, '-');
  const exact = name === subject.name && roleId === role.replace(/\s+/g, '');
  return `${roleId}-${subject.kind.toLowerCase()}-${name}${exact ? '' : `-${sha256Hex([role, subject.kind, subject.name]).slice(0, 8)}`}`;
}

/**
 * The child id of a binding made by `grant()`: derived from role and subject, so reordering grants
 * never renames constructs. The same grant twice is refused here with a clear message.
 */
export function bindingId(parent: Construct, role: string, subject: ISubject, target: string): string {
  const id = readableId(role, subject);
  if (parent.node.tryFindChild(id))
    throw new Error(
      `${parent.node.path}: ${describeSubject(subject)} is already granted "${role}" on ${target}; grant each role once.`,
    );
  return id;
}
