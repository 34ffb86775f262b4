/**
 * The OpenAPI document is generated from the route schemas, validates as
 * OpenAPI 3 (offline), documents every API route with its bodies, answers and
 * who may call it, and is browsable at /docs.
 */
import { compileErrors, validate } from "@readme/openapi-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSuite, type RunningApp, type Suite } from "./support/harness.js";

interface Operation {
  readonly security?: Record<string, string[]>[];
  readonly requestBody?: { content: Record<string, { schema: unknown }> };
  readonly responses: Record<string, unknown>;
  readonly parameters?: { name: string; in: string }[];
}

interface Document {
  readonly openapi: string;
  readonly paths: Record<string, Record<string, Operation>>;
  readonly components: { schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }>; securitySchemes: Record<string, unknown> };
}

describe("OpenAPI", () => {
  let suite: Suite;
  let app: RunningApp;
  let document: Document;

  beforeAll(async () => {
    suite = await startSuite("openapi");
    app = await suite.start();
    const response = await fetch(`${app.url}/openapi.json`);
    expect(response.status).toBe(200);
    document = (await response.json()) as Document;
  });
  afterAll(async () => {
    await suite?.close();
  });

  it("validates as an OpenAPI 3 document", async () => {
    expect(document.openapi).toMatch(/^3\./);
    const result = await validate(structuredClone(document) as never);
    expect(result.valid, result.valid ? "" : compileErrors(result)).toBe(true);
  });

  it("documents every API route, and none of the pages", () => {
    const operations = Object.entries(document.paths).flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`));
    expect(operations.sort()).toEqual(
      [
        "GET /api/v1/products",
        "POST /api/v1/products",
        "GET /api/v1/products/{productId}",
        "PATCH /api/v1/products/{productId}",
        "DELETE /api/v1/products/{productId}",
        "GET /api/v1/products/{productId}/reviews",
        "POST /api/v1/products/{productId}/reviews",
        "DELETE /api/v1/products/{productId}/reviews/{reviewId}",
        "GET /api/v1/csrf-token",
        "GET /health",
      ].sort(),
    );
  });

  it("carries the bodies, parameters, answers and security of the routes", () => {
    const createReview = document.paths["/api/v1/products/{productId}/reviews"]?.post as Operation;
    expect(Object.keys(createReview.requestBody?.content ?? {})).toEqual(["application/json"]);
    expect(Object.keys(createReview.responses)).toEqual(expect.arrayContaining(["201", "400", "403", "404", "429"]));
    expect(createReview.security).toEqual([{ bearerAuth: [] }, { apiKeyHeader: [] }, { csrfToken: [] }]);
    expect(document.paths["/api/v1/products"]?.post?.security).toEqual([{ bearerAuth: [] }, { apiKeyHeader: [] }]);
    expect(document.paths["/api/v1/products"]?.get?.parameters?.map((parameter) => parameter.name).sort()).toEqual(["category", "page", "per_page", "q", "sort"]);

    const { schemas, securitySchemes } = document.components;
    expect(Object.keys(securitySchemes).sort()).toEqual(["apiKeyHeader", "bearerAuth", "csrfToken"]);
    expect(Object.keys(schemas.Product?.properties ?? {})).toEqual(expect.arrayContaining(["id", "name", "review_count", "average_rating", "sentiment"]));
    // Request bodies are documented as what a client may send: fields with defaults are optional.
    expect(createReview.requestBody?.content["application/json"]?.schema).toEqual({ $ref: "#/components/schemas/ReviewCreateInput" });
    expect(schemas.ReviewCreateInput?.required?.sort()).toEqual(["rating", "text"]);
  });

  it("serves the interactive page at /docs", async () => {
    const response = await fetch(`${app.url}/docs`, { redirect: "follow" });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/html");
    expect(await response.text()).toContain("swagger-ui");
  });
});
