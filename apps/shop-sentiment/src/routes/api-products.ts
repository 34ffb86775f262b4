/** /api/v1/products: list (paging, search, sort), get, create, update, delete. */
import type { FastifyPluginAsyncZod } from "@fastify/type-provider-zod";
import { Product, ProductCreate, ProductListQuery, ProductPage, ProductParams, ProductUpdate } from "../catalog/schemas.js";
import { requireApiKey } from "../security/write-guard.js";
import { errorResponses, NoContent, SERVER_WRITE } from "./openapi-parts.js";
import type { CatalogRouteOptions } from "./options.js";

export const productRoutes: FastifyPluginAsyncZod<CatalogRouteOptions> = async (app, { catalog, writeLimit }) => {
  app.get(
    "/products",
    {
      schema: {
        tags: ["products"],
        summary: "List products",
        description: "Paged; `q` searches names and descriptions, `category` filters, `sort` orders (a leading - sorts descending).",
        querystring: ProductListQuery,
        response: { 200: ProductPage, ...errorResponses(400) },
      },
    },
    async (request, reply) => {
      const { value, outcome } = await catalog.listProducts(request.query);
      return reply.header("x-cache", outcome).send(value);
    },
  );

  app.get(
    "/products/:productId",
    {
      schema: {
        tags: ["products"],
        summary: "Get a product with its sentiment aggregates",
        params: ProductParams,
        response: { 200: Product, ...errorResponses(400, 404) },
      },
    },
    async (request, reply) => {
      const { value, outcome } = await catalog.getProduct(request.params.productId);
      return reply.header("x-cache", outcome).send(value);
    },
  );

  app.post(
    "/products",
    {
      config: { rateLimit: writeLimit },
      preValidation: requireApiKey,
      schema: {
        tags: ["products"],
        summary: "Create a product",
        security: SERVER_WRITE,
        body: ProductCreate,
        response: { 201: Product, ...errorResponses(400, 401, 403, 413, 415, 429) },
      },
    },
    async (request, reply) => {
      const product = await catalog.createProduct(request.body);
      return reply.code(201).header("location", `/api/v1/products/${product.id}`).send(product);
    },
  );

  app.patch(
    "/products/:productId",
    {
      config: { rateLimit: writeLimit },
      preValidation: requireApiKey,
      schema: {
        tags: ["products"],
        summary: "Change a product's name, description, category or price",
        security: SERVER_WRITE,
        params: ProductParams,
        body: ProductUpdate,
        response: { 200: Product, ...errorResponses(400, 401, 403, 404, 413, 415, 429) },
      },
    },
    async (request) => catalog.updateProduct(request.params.productId, request.body),
  );

  app.delete(
    "/products/:productId",
    {
      config: { rateLimit: writeLimit },
      preValidation: requireApiKey,
      schema: {
        tags: ["products"],
        summary: "Delete a product and its reviews",
        security: SERVER_WRITE,
        params: ProductParams,
        response: { 204: NoContent, ...errorResponses(400, 401, 403, 404, 429) },
      },
    },
    async (request, reply) => {
      await catalog.deleteProduct(request.params.productId);
      return reply.code(204).send(null);
    },
  );
};
