/** Previous / next links of a paged list, with where the person is. */
export interface PagerProps {
  readonly page: number;
  readonly perPage: number;
  readonly total: number;
  /** The link to a given page (other parameters kept). */
  readonly hrefFor: (page: number) => string;
  readonly label: string;
}

export function lastPage(total: number, perPage: number): number {
  return Math.max(1, Math.ceil(total / perPage));
}

export function Pager({ page, perPage, total, hrefFor, label }: PagerProps) {
  const last = lastPage(total, perPage);
  if (last === 1 && page === 1) return null;
  return (
    <nav className="pager" aria-label={label}>
      {page > 1 ? (
        <a href={hrefFor(Math.min(page - 1, last))} rel="prev">
          ← Previous
        </a>
      ) : (
        <span aria-hidden="true" />
      )}
      <span className="pager-position">
        Page {page} of {last}
      </span>
      {page < last ? (
        <a href={hrefFor(page + 1)} rel="next">
          Next →
        </a>
      ) : (
        <span aria-hidden="true" />
      )}
    </nav>
  );
}
