import { defineApp } from "../../stacks/app-spec.js";
import { envSchema } from "./src/env.js";

export default defineApp({
  name: "threads-web",
  description: "Next.js front end of the Threads analytics product (no data of its own; talks to threads-api)",
  processes: {
    // The standalone Next.js bundle behind our own HTTP server (JSON logs, SIGTERM → exit 0);
    // V8 held to a heap that keeps the dyno well under its 512 MB.
    web: { kind: "web", command: "node --max-old-space-size=256 --max-semi-space-size=8 dist/server.js" },
  },
  env: envSchema,
  healthPath: "/health",
  // Public values a browser bundle may compile in: a new value rebuilds the app (pages read them at run time today).
  buildEnv: ["NEXT_PUBLIC_API_BASE_URL", "SITE_URL"],
  config: {
    SITE_URL: (c) => c.publicUrl,
    NEXT_PUBLIC_API_BASE_URL: (c) => c.publicUrlOf("threads-api"),
    NEXT_TELEMETRY_DISABLED: "1",
  },
  domainPrefix: "app",
});
