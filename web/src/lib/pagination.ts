/** Page numbers (1-based) over the APIs' `limit`/`offset` pages. */

export interface PageWindow {
  page: number;
  pages: number;
  offset: number;
  first: number;
  last: number;
}

export function pageFromParam(value: string | null): number {
  const page = Number(value);
  return Number.isInteger(page) && page >= 1 ? page : 1;
}

export function offsetOf(page: number, size: number): number {
  return (Math.max(1, page) - 1) * size;
}

/** Where a page of `size` at `page` sits in `total` items. */
export function pageWindow(total: number, page: number, size: number): PageWindow {
  const pages = Math.max(1, Math.ceil(total / size));
  const current = Math.min(Math.max(1, page), pages);
  const offset = offsetOf(current, size);
  return {
    page: current,
    pages,
    offset,
    first: total === 0 ? 0 : offset + 1,
    last: Math.min(total, offset + size),
  };
}
