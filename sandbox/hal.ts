/** HAL lists as meshStack returns them: `_embedded.<key>` (always, even empty), `page`, `_links`. */
import { badRequest } from './problem';

const DEFAULT_PAGE_SIZE = 20;
const MAX_PAGE_SIZE = 1000;
/** Pages beyond this hold nothing any list here could have: a number this large is an error, not a page. */
const MAX_PAGE = 1_000_000;

export interface PageRequest {
  readonly page: number;
  readonly size: number;
}

export function pageRequest(query: Record<string, string | undefined>): PageRequest {
  const page = query.page === undefined ? 0 : Number(query.page);
  const size = query.size === undefined ? DEFAULT_PAGE_SIZE : Number(query.size);
  if (!Number.isSafeInteger(page) || page < 0 || page > MAX_PAGE)
    throw badRequest(`page must be a whole number from 0 to ${MAX_PAGE}, got "${query.page}"`);
  if (!Number.isInteger(size) || size < 1) throw badRequest(`size must be a whole number >= 1, got "${query.size}"`);
  // Larger sizes are silently lowered, as documented for meshStack.
  return { page, size: Math.min(size, MAX_PAGE_SIZE) };
}

/**
 * `until` (ISO-8601): only objects created up to that instant, as meshStack's CLI asks with a fixed
 * value for every page of one list, so that an object created meanwhile does not shift the pages.
 */
export function untilOf(query: Record<string, string | undefined>): Date | undefined {
  if (query.until === undefined) return undefined;
  const at = new Date(query.until);
  if (Number.isNaN(at.getTime())) throw badRequest(`until must be an ISO-8601 date-time, got "${query.until}"`);
  return at;
}

/** meshStack's `sort` (Spring Data's `property,direction`): by creation time or identifier. */
export interface ListSort {
  readonly by: 'createdAt' | 'name';
  readonly direction: 'asc' | 'desc';
}

/** The list's `sort`, or undefined for its own order (by identifier). */
export function sortOf(query: Record<string, string | undefined>): ListSort | undefined {
  if (query.sort === undefined) return undefined;
  const m = /^(createdAt|name)(?:,(asc|desc))?$/i.exec(query.sort);
  if (!m || !['createdAt', 'name'].includes(m[1]))
    throw badRequest(`sort must be createdAt or name, optionally with ,asc or ,desc; got "${query.sort}"`);
  return { by: m[1] as ListSort['by'], direction: (m[2]?.toLowerCase() ?? 'asc') as ListSort['direction'] };
}

function link(
  base: string,
  path: string,
  query: Record<string, string | undefined>,
  page: number,
  size: number,
): { href: string } {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && k !== 'page' && k !== 'size') params.set(k, v);
  params.set('page', String(page));
  params.set('size', String(size));
  return { href: `${base}${path}?${params.toString()}` };
}

/** One page of a list whose filtering and paging happened in SQL (`items` is already the page). */
export function halList<T>(
  key: string,
  items: T[],
  totalElements: number,
  req: PageRequest,
  base: string,
  path: string,
  query: Record<string, string | undefined>,
): Record<string, unknown> {
  const totalPages = Math.max(1, Math.ceil(totalElements / req.size));
  const links: Record<string, { href: string }> = { self: link(base, path, query, req.page, req.size) };
  // "Pagination links are only provided if there is more than one page."
  if (totalPages > 1) {
    links.first = link(base, path, query, 0, req.size);
    if (req.page > 0) links.prev = link(base, path, query, req.page - 1, req.size);
    if (req.page < totalPages - 1) links.next = link(base, path, query, req.page + 1, req.size);
    links.last = link(base, path, query, totalPages - 1, req.size);
  }
  return {
    _embedded: { [key]: items },
    _links: links,
    page: { size: req.size, totalElements, totalPages, number: req.page },
  };
}
