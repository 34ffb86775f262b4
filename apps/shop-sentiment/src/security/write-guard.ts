/**
 * Who may change anything. A request that changes state (POST, PUT, PATCH,
 * DELETE) passes with a valid API key (servers) or with a valid CSRF token
 * from its browser session (people, through the pages or /api/v1/csrf-token);
 * otherwise it is refused before its body is validated or anything changes.
 * Catalog writes (products, review deletion) further need an API key.
 */
import type { FastifyInstance, FastifyRequest, preValidationAsyncHookHandler } from "fastify";
import { HttpProblem } from "../shared/web/errors.js";
import { presentedApiKey, type ApiKeyring } from "./api-keys.js";

declare module "fastify" {
  interface FastifyRequest {
    /** Id of the API key the request presented, when it is one of ours. */
    apiClient: string | undefined;
    /** The request presented a key that is none of ours. */
    apiKeyRejected: boolean;
  }
}

export const STATE_CHANGING_METHODS: ReadonlySet<string> = new Set(["POST", "PUT", "PATCH", "DELETE"]);

const INVALID_API_KEY = new HttpProblem(
  401,
  "invalid_api_key",
  "The API key sent in Authorization (Bearer) or X-API-Key is not one we accept. Use a current key from the app's API_KEYS.",
);

/** Installs the checks on the root server, so they run for every route. */
export function installWriteGuard(server: FastifyInstance, keyring: ApiKeyring): void {
  server.decorateRequest("apiClient", undefined);
  server.decorateRequest("apiKeyRejected", false);

  // Identify first (onRequest), refuse later (preValidation): the rate limiter
  // runs in between and counts attempts with wrong keys too.
  server.addHook("onRequest", async (request) => {
    const presented = presentedApiKey(request);
    if (presented === undefined) return;
    const id = keyring.identify(presented);
    if (id === undefined) request.apiKeyRejected = true;
    else request.apiClient = id;
  });

  server.addHook("preValidation", (request, reply, done) => {
    // Reads, and writes to paths that do not exist (they get their 404), need nothing.
    if (!STATE_CHANGING_METHODS.has(request.method) || request.is404) return done();
    if (request.apiKeyRejected) return done(INVALID_API_KEY);
    if (request.apiClient !== undefined) {
      request.log.info({ apiKeyId: request.apiClient }, "write with an API key");
      return done();
    }
    // Answers 403 itself when the session or the token is missing or wrong.
    server.csrfProtection(request, reply, done);
  });
}

/** Route hook for writes that servers make only (catalog management). */
export const requireApiKey: preValidationAsyncHookHandler = async (request: FastifyRequest) => {
  if (request.apiClient === undefined) {
    throw new HttpProblem(401, "api_key_required", "Changing the catalog needs an API key: send Authorization: Bearer <key> (or X-API-Key).");
  }
};
