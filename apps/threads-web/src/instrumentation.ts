/**
 * Next.js calls register() once when its server starts. dist/server.js has
 * validated the environment before this; under `next dev` this is the check:
 * a bad environment stops the server naming every variable.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const [{ exitOnInvalidEnv }, { loadEnv }] = await Promise.all([import("./shared/boot.js"), import("./env.js")]);
  exitOnInvalidEnv("threads-web", () => loadEnv(process.env));
}

/** Errors while rendering, as one JSON line with the request id (Next.js prints its own trace too). */
export async function onRequestError(error: unknown, request: { path: string; method: string; headers: Record<string, string | string[] | undefined> }): Promise<void> {
  const { logger } = await import("./lib/log.js");
  const { redactUrl } = await import("./shared/log.js");
  const requestId = request.headers["x-request-id"];
  logger().error({ err: error, request_id: typeof requestId === "string" ? requestId : undefined, req: { method: request.method, url: redactUrl(request.path) } }, "request failed");
}
