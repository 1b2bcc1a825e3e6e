/** An HTTP error with the body shape a Spring Boot service (as meshStack) returns. */
const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  406: 'Not Acceptable',
  409: 'Conflict',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  507: 'Insufficient Storage',
};

export class HttpProblem extends Error {
  constructor(
    public readonly status: number,
    message: string,
    public readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

/** A request the sandbox cannot read; a refusal of one it could read is named in domain/refusals.ts. */
export const badRequest = (m: string) => new HttpProblem(400, m);
export const unauthorized = (m = 'Full authentication is required to access this resource') => new HttpProblem(401, m);
export const notFound = (m: string) => new HttpProblem(404, m);

export function problemBody(status: number, message: string, path: string, now: Date) {
  return { timestamp: now.toISOString(), status, error: REASONS[status] ?? 'Error', message, path };
}
