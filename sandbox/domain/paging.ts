/** One page of a list and its total in one query, since every list request pays per query. */
import type { Tx } from '../db';
import type { ListSort } from '../hal';

export interface PagedQuery {
  /** Columns, e.g. `b.*, w.display_name`. */
  readonly select: string;
  /** Tables, joins and the where clause, e.g. `projects where deleted_on is null`. */
  readonly from: string;
  readonly orderBy: string;
  readonly params?: unknown[];
  /** The caller's `sort`, before `orderBy` (which then breaks ties); `alias` is the table's, e.g. `b`. */
  readonly sort?: ListSort;
  readonly alias?: string;
}

/** An ORDER BY: the caller's sort on `created_on` or `name` first, then the list's own order. */
export function orderBy(own: string, sort?: ListSort, alias?: string): string {
  if (!sort) return own;
  const column = `${alias ? `${alias}.` : ''}${sort.by === 'createdAt' ? 'created_on' : 'name'}`;
  return `${column} ${sort.direction}, ${own}`;
}

export async function pagedQuery<T>(
  tx: Tx,
  q: PagedQuery,
  limit: number,
  offset: number,
): Promise<{ rows: T[]; total: number }> {
  const rows = await tx.query<T & { total_count?: number }>(
    `select ${q.select}, count(*) over ()::int as total_count from ${q.from} order by ${orderBy(q.orderBy, q.sort, q.alias)} limit ${limit} offset ${offset}`,
    q.params,
  );
  if (rows.length === 0) {
    // A page past the end carries no count: ask for it.
    const [{ n }] =
      offset === 0 ? [{ n: 0 }] : await tx.query<{ n: number }>(`select count(*)::int as n from ${q.from}`, q.params);
    return { rows: [], total: n };
  }
  const total = rows[0].total_count ?? 0;
  for (const r of rows) delete r.total_count;
  return { rows, total };
}
