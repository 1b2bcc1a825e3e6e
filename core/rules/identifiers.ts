/** Workspace and project identifiers: immutable once created, so their format is checked before anything is written. */
const IDENTIFIER_PATTERN = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
export const IDENTIFIER_MAX_LENGTH = 32;

export function isValidIdentifier(id: string): boolean {
  return IDENTIFIER_PATTERN.test(id) && id.length <= IDENTIFIER_MAX_LENGTH;
}
