/**
 * meshStack versions every meshObject kind by vendor media type and refuses requests without the
 * right one: 406 for a missing or wrong Accept, 415 for a wrong Content-Type. Kinds match
 * case-insensitively (the Terraform provider sends camelCase, the docs lowercase).
 */
import { HttpProblem } from './problem';

function mediaType(kind: string, version: string): string {
  return `application/vnd.meshcloud.api.${kind.toLowerCase()}.${version}.hal+json`;
}

function parse(header: string | undefined): string[] {
  return (header ?? '')
    .split(',')
    .map((t) => t.split(';')[0].trim().toLowerCase())
    .filter(Boolean);
}

export function checkAccept(accept: string | undefined, kind: string, version: string): string {
  const wanted = mediaType(kind, version);
  if (!parse(accept).includes(wanted)) {
    throw new HttpProblem(406, `Accept header must be ${wanted} (got ${accept ? `"${accept}"` : 'none'})`);
  }
  return wanted;
}

export function checkContentType(contentType: string | undefined, kind: string, version: string): void {
  const wanted = mediaType(kind, version);
  if (parse(contentType)[0] !== wanted) {
    throw new HttpProblem(415, `Content-Type must be ${wanted} (got ${contentType ? `"${contentType}"` : 'none'})`);
  }
}
