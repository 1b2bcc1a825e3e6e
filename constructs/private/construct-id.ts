/**
 * The constructs library keeps children in a plain object and checks `id in children`, so an id that
 * names a member of every object (`constructor`, `toString`) is "already taken". Such an id (a
 * workspace or project identifier is a valid meshStack identifier either way) gets a suffix that no
 * identifier carries; the identifier itself is unchanged.
 */
export const constructId = (id: string): string => (id in Object.prototype ? `${id}~` : id);
