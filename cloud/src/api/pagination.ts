import { z } from 'zod';

/** limit/offset paging on every list, answered with the total: `{ items, total, limit, offset }`. */
export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50).describe('items per page (1-500, default 50)'),
  offset: z.coerce.number().int().min(0).default(0).describe('items to skip (default 0)'),
});
export type PageQuery = z.output<typeof PageQuery>;

export function paged<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), total: z.number().int(), limit: z.number().int(), offset: z.number().int() });
}

export function pageOf<T>(items: T[], total: number, page: PageQuery) {
  return { items, total, limit: page.limit, offset: page.offset };
}
