/** One product for a person: its sentiment breakdown, its reviews, and a form to add one. */
import type { Page, Product, Review, ReviewListQuery, ReviewSort } from "../catalog/schemas.js";
import { html, type SafeHtml } from "../shared/web/html.js";
import { formatPrice, layout, stars } from "./layout.js";
import { averageChip, sentimentBar, sentimentBreakdown, sentimentChip } from "./sentiment-view.js";

const SORT_LABELS: Record<ReviewSort, string> = {
  newest: "Newest",
  oldest: "Oldest",
  most_positive: "Most positive",
  most_negative: "Most negative",
};

/** What the person typed, sent back with the problems when the form did not validate. */
export interface ReviewForm {
  readonly values: { readonly author?: string; readonly rating?: string; readonly text?: string };
  readonly problems: readonly string[];
}

export interface ProductPageData {
  readonly product: Product;
  readonly reviews: Page<Review>;
  readonly query: ReviewListQuery;
  readonly csrfToken: string;
  readonly form?: ReviewForm;
}

function reviewsHref(product: Product, query: ReviewListQuery, changes: Partial<ReviewListQuery>): string {
  const merged = { ...query, ...changes };
  const params = new URLSearchParams();
  if (merged.sort !== "newest") params.set("sort", merged.sort);
  if (merged.page !== 1) params.set("page", String(merged.page));
  if (merged.per_page !== 20) params.set("per_page", String(merged.per_page));
  const search = params.toString();
  return `/products/${product.id}${search === "" ? "" : `?${search}`}#reviews`;
}

function reviewCard(review: Review): SafeHtml {
  return html`<article class="card review" id="review-${review.id}">
<div><strong>${review.author}</strong> <span class="stars" title="${review.rating} of 5">${stars(review.rating)}</span> ${sentimentChip(review.sentiment)}</div>
<p>${review.text}</p>
<div class="muted"><time datetime="${review.created_at}">${review.created_at.slice(0, 10)}</time></div>
</article>`;
}

function reviewForm(product: Product, csrfToken: string, form: ReviewForm | undefined): SafeHtml {
  const values = form?.values ?? {};
  const rating = values.rating ?? "5";
  return html`<form class="card" id="review-form" method="post" action="/products/${product.id}/reviews">
<h2>Write a review</h2>
${form && form.problems.length > 0 ? html`<div class="error" role="alert"><ul>${form.problems.map((problem) => html`<li>${problem}</li>`)}</ul></div>` : ""}
<input type="hidden" name="_csrf" value="${csrfToken}">
<label for="author">Your name</label>
<input id="author" name="author" maxlength="100" value="${values.author ?? ""}" placeholder="Anonymous">
<label for="rating">Rating</label>
<select id="rating" name="rating">${[5, 4, 3, 2, 1].map((stars) =>
    String(stars) === rating ? html`<option value="${stars}" selected>${stars} of 5</option>` : html`<option value="${stars}">${stars} of 5</option>`,
  )}</select>
<label for="text">Your review</label>
<textarea id="text" name="text" maxlength="5000" required>${values.text ?? ""}</textarea>
<p><button type="submit">Post review</button></p>
</form>`;
}

export function renderProductPage(data: ProductPageData): string {
  const { product, reviews, query } = data;
  const price = formatPrice(product.price_cents);
  const body = html`<p><a href="/">← All products</a></p>
<h1 id="product-name">${product.name}</h1>
<div class="muted">${[product.category, price].filter(Boolean).join(" · ")}</div>
${product.description ? html`<p>${product.description}</p>` : ""}
<section class="card" id="sentiment">
<h2>What reviewers feel</h2>
<div>${averageChip(product.sentiment)}${product.sentiment.average !== null ? html` <span class="muted">average score <span id="average">${product.sentiment.average.toFixed(2)}</span></span>` : ""}
${product.average_rating !== null ? html` · <span class="stars">${stars(product.average_rating)}</span> <span class="muted">${product.average_rating.toFixed(1)} of 5</span>` : ""}</div>
${sentimentBar(product.sentiment)}
${sentimentBreakdown(product.sentiment)}
</section>
<h2 id="reviews">Reviews (<span id="review-count">${product.review_count}</span>)</h2>
${product.review_count > 1
    ? html`<p class="muted">Sort: ${(Object.entries(SORT_LABELS) as [ReviewSort, string][]).map(([sort, label]) =>
        sort === query.sort ? html`<strong>${label}</strong> ` : html`<a href="${reviewsHref(product, query, { sort, page: 1 })}">${label}</a> `,
      )}</p>`
    : ""}
${reviews.items.length === 0 ? html`<p class="muted">No reviews on this page.</p>` : reviews.items.map(reviewCard)}
${reviews.total_pages > 1
    ? html`<nav class="pager">
${reviews.page > 1 ? html`<a rel="prev" href="${reviewsHref(product, query, { page: reviews.page - 1 })}">← Newer</a>` : html`<span></span>`}
<span class="muted">Page ${reviews.page} of ${reviews.total_pages}</span>
${reviews.page < reviews.total_pages ? html`<a rel="next" href="${reviewsHref(product, query, { page: reviews.page + 1 })}">Older →</a>` : html`<span></span>`}
</nav>`
    : ""}
${reviewForm(product, data.csrfToken, data.form)}`;
  return layout({ title: product.name, body });
}
