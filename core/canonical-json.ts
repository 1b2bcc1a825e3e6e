/** Deterministic JSON: sorted keys, two-space indent, trailing newline; and a hash of it. */
import { createHash } from 'crypto';
import stringify from 'json-stable-stringify';

export function canonicalJson(value: unknown): string {
  return `${stringify(value, { space: 2 })}\n`;
}

export function sha256Hex(value: unknown): string {
  return createHash('sha256')
    .update(stringify(value) ?? '')
    .digest('hex');
}
