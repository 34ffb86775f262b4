/**
 * fleet spec of euterpe: a multi-user Spotify listening dashboard whose tables
 * live in schema `euterpe` of a database it may share with other apps.
 */
import type { AppSpec } from "../../stacks/app-spec.js";
import { envSchema } from "./src/env.js";

export default {
  name: "euterpe",
  description: "Multi-user Spotify listening dashboard (schema euterpe in a shared database)",
  processes: {
    web: { kind: "web", command: "node dist/server.js" },
    release: { kind: "release", command: "node dist/migrate.js" },
  },
  env: envSchema,
  healthPath: "/health",
  providedSecrets: {
    SPOTIFY_CLIENT_ID: { description: "Client ID of the Spotify app (developer.spotify.com/dashboard)" },
    SPOTIFY_CLIENT_SECRET: { description: "Client secret of the same Spotify app" },
  },
  generatedSecrets: {
    SECRET_KEY: { kind: "hex", bytes: 32, keepPrevious: "previous-var", description: "Signs session cookies" },
    ENCRYPTION_KEY: { kind: "fernet", keepPrevious: "key-list", description: "Encrypts Spotify tokens at rest (Fernet)" },
  },
  config: {
    // The redirect URI must match the one registered with Spotify, so fleet derives it from the public URL.
    SPOTIFY_REDIRECT_URI: (app) => `${app.publicUrl}/callback`,
  },
  database: { schema: "euterpe", poolPerDyno: 5 },
  domainPrefix: "euterpe",
} satisfies AppSpec;
