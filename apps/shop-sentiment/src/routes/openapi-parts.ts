/** Pieces the API routes' schemas share: error responses and who may call a write. */
import { z } from "zod";
import { ErrorBody } from "../catalog/schemas.js";

/** An empty answer (204). */
export const NoContent = z.null().describe("No content");

/** `{ 400: ErrorBody, 404: ErrorBody, … }` for the statuses a route may answer with. */
export function errorResponses(...statuses: number[]): Record<number, typeof ErrorBody> {
  return Object.fromEntries(statuses.map((status) => [status, ErrorBody]));
}

/** Catalog writes: an API key, as a Bearer token or in X-API-Key. */
export const SERVER_WRITE: Record<string, string[]>[] = [{ bearerAuth: [] }, { apiKeyHeader: [] }];

/** Review writes: an API key, or a browser session's CSRF token. */
export const ANY_WRITE: Record<string, string[]>[] = [{ bearerAuth: [] }, { apiKeyHeader: [] }, { csrfToken: [] }];
