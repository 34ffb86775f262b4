import { defineApp } from "../../stacks/app-spec.js";
import { envSchema } from "./src/env.js";

export default defineApp({
  name: "shop-sentiment",
  description: "Product reviews API with sentiment scores, cached in Redis; browser writes CSRF-checked, server writes by API key",
  processes: {
    web: { kind: "web", command: "node dist/server.js" },
    release: { kind: "release", command: "node dist/migrate.js" },
  },
  env: envSchema,
  healthPath: "/health",
  generatedSecrets: {
    SESSION_KEYS: {
      kind: "hex",
      bytes: 32,
      // Sessions (and the CSRF secrets in them) made under the previous key stay valid after a rotation.
      keepPrevious: "key-list",
      description: "Encrypts and signs the session cookie that carries the CSRF secret",
    },
    API_KEYS: {
      kind: "hex",
      bytes: 32,
      // Servers holding the previous key keep writing after a rotation, until they move to the new one.
      keepPrevious: "key-list",
      description: "Keys servers send (Authorization: Bearer) to write without a browser session",
    },
  },
  database: { schema: "shop_sentiment", poolPerDyno: 5 },
  redis: { keyPrefix: "shop-sentiment:", use: "cache" },
  domainPrefix: "shop",
});
