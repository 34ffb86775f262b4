/** The list of products a person sees at /: search, sort, pages, each product with its sentiment. */
import type { Page, Product, ProductListQuery, ProductSort } from "../catalog/schemas.js";
import { html, type SafeHtml } from "../shared/web/html.js";
import { formatPrice, layout, stars } from "./layout.js";
import { averageChip, sentimentBar } from "./sentiment-view.js";

const SORT_LABELS: Partial<Record<ProductSort, string>> = {
  "-created_at": "Newest",
  name: "Name",
  "-sentiment": "Most positive",
  sentiment: "Most negative",
  "-review_count": "Most reviewed",
  "-average_rating": "Best rated",
  price_cents: "Price, low to high",
};

/** The same list with other query values (blank ones left out). */
export function listHref(query: ProductListQuery, changes: Partial<ProductListQuery>): string {
  const merged = { ...query, ...changes };
  const params = new URLSearchParams();
  if (merged.q) params.set("q", merged.q);
  if (merged.category) params.set("category", merged.category);
  if (merged.sort !== "-created_at") params.set("sort", merged.sort);
  if (merged.page !== 1) params.set("page", String(merged.page));
  if (merged.per_page !== 20) params.set("per_page", String(merged.per_page));
  const search = params.toString();
  return search === "" ? "/" : `/?${search}`;
}

function productCard(product: Product): SafeHtml {
  const price = formatPrice(product.price_cents);
  return html`<article class="card product" data-id="${product.id}">
<h2><a href="/products/${product.id}">${product.name}</a></h2>
<div class="muted">${[product.category, price].filter(Boolean).join(" · ")}</div>
<div>${averageChip(product.sentiment)} <span class="muted">${product.review_count} review${product.review_count === 1 ? "" : "s"}</span>
${product.average_rating !== null ? html`<span class="stars" title="${product.average_rating} of 5">${stars(product.average_rating)}</span>` : ""}</div>
${product.review_count > 0 ? sentimentBar(product.sentiment) : ""}
</article>`;
}

function pager(page: Page<Product>, query: ProductListQuery): SafeHtml {
  if (page.total_pages <= 1) return html``;
  return html`<nav class="pager">
${page.page > 1 ? html`<a rel="prev" href="${listHref(query, { page: page.page - 1 })}">← Previous</a>` : html`<span></span>`}
<span class="muted">Page ${page.page} of ${page.total_pages}</span>
${page.page < page.total_pages ? html`<a rel="next" href="${listHref(query, { page: page.page + 1 })}">Next →</a>` : html`<span></span>`}
</nav>`;
}

export function renderProductsPage(page: Page<Product>, query: ProductListQuery): string {
  const sorts = Object.entries(SORT_LABELS) as [ProductSort, string][];
  const body = html`<h1>Products</h1>
<form class="search" method="get" action="/">
<input type="search" name="q" value="${query.q ?? ""}" placeholder="Search products" aria-label="Search products">
<select name="sort" aria-label="Sort by">${sorts.map(([value, label]) =>
    value === query.sort ? html`<option value="${value}" selected>${label}</option>` : html`<option value="${value}">${label}</option>`,
  )}</select>
<button type="submit">Search</button>
</form>
<p class="muted" id="total">${page.total} product${page.total === 1 ? "" : "s"}${query.q ? html` matching “${query.q}”` : ""}</p>
${page.items.length === 0 ? html`<p>No products here yet.</p>` : page.items.map(productCard)}
${pager(page, query)}`;
  return layout({ title: "Products", body });
}
