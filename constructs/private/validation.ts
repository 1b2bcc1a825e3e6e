/** Which constructs are meshform's, and their validation: the manifest's findings located at them. */
import type { IConstruct } from 'constructs';
import { Manifest } from '../manifest';

const MESHFORM_CONSTRUCT = Symbol.for('meshform.construct');

/** Marks `c` as meshform's (so explicit validation can find it) and reports the manifest findings located at it as its validation errors. */
export function addManifestValidation(c: IConstruct): void {
  Object.defineProperty(c, MESHFORM_CONSTRUCT, { value: true, enumerable: false });
  c.node.addValidation({ validate: () => Manifest.of(c).findingsAt(c, 'error') });
}

export function hasManifestValidation(c: IConstruct): boolean {
  return (c as unknown as Record<symbol, unknown>)[MESHFORM_CONSTRUCT] === true;
}
