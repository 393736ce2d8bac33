/** Collections: `page` (from 1) and `pageSize` (1..100) parameters, and the `{ items, total, page, pageSize, self, next }` answer. */
import type { Finding } from "../anomalies";

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 100;

export interface PageRequest {
  page: number;
  pageSize: number;
}

export function readPaging(query: URLSearchParams, findings: Finding[]): PageRequest {
  const read = (name: "page" | "pageSize", fallback: number, max: number): number => {
    const raw = query.get(name);
    if (raw === null || raw === "") return fallback;
    const value = Number(raw);
    if (!/^\d+$/.test(raw) || value < 1 || value > max) {
      findings.push({
        code: "FLA-E-0022",
        in: "query",
        name,
        value: raw,
        detail:
          name === "page"
            ? "page must be a whole number from 1."
            : `pageSize must be a whole number from 1 to ${MAX_PAGE_SIZE}.`,
      });
      return fallback;
    }
    return value;
  };
  return {
    page: read("page", 1, Number.MAX_SAFE_INTEGER),
    pageSize: read("pageSize", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE),
  };
}

export interface Collection<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
  self: string;
  next?: string;
}

/** One page of `all`; links keep the filters in `filters` (absent values are left out). */
export function paginate<T>(
  all: readonly T[],
  paging: PageRequest,
  collectionUrl: string,
  filters: Record<string, string | undefined>,
): Collection<T> {
  const link = (page: number): string => {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(filters)) if (value !== undefined && value !== "") params.set(key, value);
    params.set("page", String(page));
    params.set("pageSize", String(paging.pageSize));
    return `${collectionUrl}?${params.toString()}`;
  };
  const start = (paging.page - 1) * paging.pageSize;
  const collection: Collection<T> = {
    items: all.slice(start, start + paging.pageSize),
    total: all.length,
    page: paging.page,
    pageSize: paging.pageSize,
    self: link(paging.page),
  };
  if (start + paging.pageSize < all.length) collection.next = link(paging.page + 1);
  return collection;
}
