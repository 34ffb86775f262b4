/**
 * The OpenAPI document, generated from the routes' zod schemas: served as
 * JSON at /openapi.json and as an interactive page at /docs (Swagger UI, its
 * assets shipped in the package). Pages for people are left out of it.
 */
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import { jsonSchemaTransform, jsonSchemaTransformObject } from "@fastify/type-provider-zod";
import type { FastifyInstance } from "fastify";

export const OPENAPI_PATH = "/openapi.json";
export const DOCS_PATH = "/docs";

/** Register before the routes: the document collects every route registered after it. */
export async function registerOpenApi(server: FastifyInstance, version: string): Promise<void> {
  await server.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "ShopSentiment API",
        version,
        description:
          "Products and their reviews, each review scored for sentiment on the way in. Reads are open. Writes need an API key (servers) or, for reviews, a browser session's CSRF token.",
      },
      tags: [
        { name: "products", description: "The catalog, with each product's review aggregates" },
        { name: "reviews", description: "Reviews of a product, scored for sentiment" },
        { name: "session", description: "For browser clients writing without an API key" },
      ],
      components: {
        securitySchemes: {
          bearerAuth: { type: "http", scheme: "bearer", description: "One of the app's API_KEYS" },
          apiKeyHeader: { type: "apiKey", in: "header", name: "X-API-Key", description: "One of the app's API_KEYS" },
          csrfToken: { type: "apiKey", in: "header", name: "X-CSRF-Token", description: "From GET /api/v1/csrf-token, with the session cookie it set" },
        },
      },
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await server.register(swaggerUi, { routePrefix: DOCS_PATH, staticCSP: true, uiConfig: { deepLinking: false } });
  server.get(OPENAPI_PATH, { schema: { hide: true } }, async (_request, reply) => reply.header("cache-control", "no-cache").send(server.swagger()));
}
