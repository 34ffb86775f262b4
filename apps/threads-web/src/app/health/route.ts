/**
 * GET /health: the site has no data store of its own, so being able to answer
 * is the whole check. Release and commit let a deploy be verified from outside.
 */
import { runtimeEnv } from "../../lib/runtime-env.js";

export const dynamic = "force-dynamic";

export function GET(): Response {
  const env = runtimeEnv();
  return Response.json(
    { status: "ok", app: "threads-web", release: env.HEROKU_RELEASE_VERSION ?? null, commit: env.HEROKU_SLUG_COMMIT ?? null },
    { headers: { "cache-control": "no-store" } },
  );
}
