/**
 * /api/v1/products/:productId/reviews: list, add (scored on the way in), delete;
 * and /api/v1/csrf-token for browser clients that write without an API key.
 */
import type { FastifyPluginAsyncZod } from "@fastify/type-provider-zod";
import { z } from "zod";
import { Review, ReviewCreate, ReviewListQuery, ReviewPage, ReviewParams, ProductParams } from "../catalog/schemas.js";
import { requireApiKey } from "../security/write-guard.js";
import type { CatalogRouteOptions } from "./options.js";
import { ANY_WRITE, errorResponses, NoContent, SERVER_WRITE } from "./openapi-parts.js";

export const reviewRoutes: FastifyPluginAsyncZod<CatalogRouteOptions> = async (app, { catalog, writeLimit }) => {
  app.get(
    "/products/:productId/reviews",
    {
      schema: {
        tags: ["reviews"],
        summary: "List a product's reviews",
        params: ProductParams,
        querystring: ReviewListQuery,
        response: { 200: ReviewPage, ...errorResponses(400, 404) },
      },
    },
    async (request, reply) => {
      const { value, outcome } = await catalog.listReviews(request.params.productId, request.query);
      return reply.header("x-cache", outcome).send(value);
    },
  );

  app.post(
    "/products/:productId/reviews",
    {
      config: { rateLimit: writeLimit },
      schema: {
        tags: ["reviews"],
        summary: "Add a review; its text is scored for sentiment and the product's aggregates follow",
        description: "Servers send an API key; browsers send the session cookie and the token from GET /api/v1/csrf-token in X-CSRF-Token.",
        security: ANY_WRITE,
        params: ProductParams,
        body: ReviewCreate,
        response: { 201: Review, ...errorResponses(400, 401, 403, 404, 413, 415, 429) },
      },
    },
    async (request, reply) => {
      const { review } = await catalog.addReview(request.params.productId, request.body);
      return reply.code(201).header("location", `/api/v1/products/${review.product_id}/reviews`).send(review);
    },
  );

  app.delete(
    "/products/:productId/reviews/:reviewId",
    {
      config: { rateLimit: writeLimit },
      preValidation: requireApiKey,
      schema: {
        tags: ["reviews"],
        summary: "Delete a review; the product's aggregates follow",
        security: SERVER_WRITE,
        params: ReviewParams,
        response: { 204: NoContent, ...errorResponses(400, 401, 403, 404, 429) },
      },
    },
    async (request, reply) => {
      await catalog.deleteReview(request.params.productId, request.params.reviewId);
      return reply.code(204).send(null);
    },
  );

  app.get(
    "/csrf-token",
    {
      schema: {
        tags: ["session"],
        summary: "A CSRF token for this browser session (sets the session cookie)",
        description: "Send it back in X-CSRF-Token with every write made without an API key.",
        response: { 200: z.object({ token: z.string() }) },
      },
    },
    async (_request, reply) => reply.header("cache-control", "no-store").send({ token: reply.generateCsrf() }),
  );
};
