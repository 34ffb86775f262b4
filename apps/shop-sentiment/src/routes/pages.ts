/**
 * Pages for people: the product list at /, a page per product with its
 * reviews and sentiment breakdown, and the review form it posts (CSRF-checked
 * by the write guard, rate-limited like every write).
 */
import type { FastifyPluginAsyncZod } from "@fastify/type-provider-zod";
import { z } from "zod";
import { ProductListQuery, ProductParams, ReviewCreate, ReviewListQuery } from "../catalog/schemas.js";
import { renderProductPage, type ReviewForm } from "../views/product-page.js";
import { renderProductsPage } from "../views/products-page.js";
import type { CatalogRouteOptions } from "./options.js";

/** What a browser posts: strings, any of them possibly missing. */
const ReviewFormBody = z.object({
  author: z.string().optional(),
  rating: z.string().optional(),
  text: z.string().optional(),
});

const FIELD_LABELS: Record<string, string> = { author: "Your name", rating: "Rating", text: "Your review" };

/** The form's values as the API's input, or the problems to show next to the form. */
function readReviewForm(body: unknown): { input: ReviewCreate } | { form: ReviewForm } {
  const values = ReviewFormBody.safeParse(body ?? {});
  const raw = values.success ? values.data : {};
  const parsed = ReviewCreate.safeParse({
    ...(raw.author?.trim() ? { author: raw.author } : {}),
    rating: raw.rating === undefined || raw.rating === "" ? undefined : Number(raw.rating),
    text: raw.text ?? "",
  });
  if (parsed.success) return { input: parsed.data };
  const problems = parsed.error.issues.map((issue) => `${FIELD_LABELS[String(issue.path[0])] ?? "The form"}: ${issue.message}`);
  return { form: { values: raw, problems } };
}

const PAGE_HEADERS = { "content-type": "text/html; charset=utf-8", "cache-control": "private, no-store" };

export const pageRoutes: FastifyPluginAsyncZod<CatalogRouteOptions> = async (app, { catalog, writeLimit }) => {
  // Browsers ask for it on every first visit; an empty answer beats a logged 404.
  app.get("/favicon.ico", { schema: { hide: true } }, async (_request, reply) => reply.code(204).header("cache-control", "public, max-age=86400").send());

  app.get("/", { schema: { hide: true, querystring: ProductListQuery } }, async (request, reply) => {
    const { value } = await catalog.listProducts(request.query);
    return reply.headers(PAGE_HEADERS).send(renderProductsPage(value, request.query));
  });

  app.get("/products/:productId", { schema: { hide: true, params: ProductParams, querystring: ReviewListQuery } }, async (request, reply) => {
    const { productId } = request.params;
    const [product, reviews] = await Promise.all([catalog.getProduct(productId), catalog.listReviews(productId, request.query)]);
    const html = renderProductPage({ product: product.value, reviews: reviews.value, query: request.query, csrfToken: reply.generateCsrf() });
    return reply.headers(PAGE_HEADERS).send(html);
  });

  app.post(
    "/products/:productId/reviews",
    { config: { rateLimit: writeLimit }, schema: { hide: true, params: ProductParams } },
    async (request, reply) => {
      const { productId } = request.params;
      const read = readReviewForm(request.body);
      if ("input" in read) {
        const { review } = await catalog.addReview(productId, read.input);
        return reply.redirect(`/products/${productId}#review-${review.id}`, 303);
      }
      const query = ReviewListQuery.parse({});
      const [product, reviews] = await Promise.all([catalog.getProduct(productId), catalog.listReviews(productId, query)]);
      const html = renderProductPage({ product: product.value, reviews: reviews.value, query, csrfToken: reply.generateCsrf(), form: read.form });
      return reply.code(400).headers(PAGE_HEADERS).send(html);
    },
  );
};
