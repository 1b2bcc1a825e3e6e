/** Who receives a role: users (known or invited) and workspace user groups. */

/** Someone the platform does not know yet; meshStack matches the invitation by e-mail at first login. */
export interface InvitationProps {
  /** First name shown in the invitation. */
  readonly firstName: string;
  /** Last name shown in the invitation. */
  readonly lastName: string;
  /** E-mail the invitation is sent to and matched by. */
  readonly email: string;
}

export interface ISubject {
  /** `User` or `Group`, as meshStack's user and group bindings. */
  readonly kind: 'User' | 'Group';
  /** Username, group identifier, or, for an invitation, the e-mail. */
  readonly name: string;
  /** Set for invited users only. */
  readonly invitation?: InvitationProps;
}

export class User {
  /** A user the platform knows, by username. */
  public static fromUsername(username: string): ISubject {
    return { kind: 'User', name: username };
  }

  /** A person the platform does not know yet; the binding is recorded as an invitation. */
  public static invite(props: InvitationProps): ISubject {
    return { kind: 'User', name: props.email, invitation: { ...props } };
  }

  private constructor() {}
}

export class Group {
  /** A workspace user group, by identifier. */
  public static fromGroupName(name: string): ISubject {
    return { kind: 'Group', name };
  }

  private constructor() {}
}
