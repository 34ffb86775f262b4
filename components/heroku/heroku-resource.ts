/**
 * The base of every Heroku resource: a Pulumi dynamic resource whose stored
 * provider is a few hundred bytes that name its kind and, when the engine
 * calls it, load fleet's provider code from the project it runs in.
 *
 * Pulumi stores a dynamic resource's provider, as CommonJS text, in its
 * inputs and again in its outputs. `pulumi.dynamic.Resource` produces that
 * text by serializing the provider object's closure: for fleet's providers a
 * deep copy of the HTTP client, zod schemas and archive code (70–100 KB per
 * resource, megabytes per stack), and about a second of every program run in
 * the closure serializer. Here the text is written directly, so:
 * - state is small, and the text never changes with fleet's code: upgrading
 *   fleet shows no diff on unchanged objects;
 * - objects whose state holds an older, fully serialized provider keep
 *   running that copy for refresh and delete, and take this text at their
 *   next update (both proven through the SDK's host in the tests);
 * - the program never loads the closure serializer (TypeScript, inspector).
 *
 * Where it runs: the CLI starts the dynamic-provider host as plain `node` in
 * the project directory (the project's `nodeargs` do not apply there). The
 * handler finds the project by walking up from `FLEET_PROJECT_DIR`, the
 * working directory or the host's own file (which lives in the project's
 * node_modules), and asks `components/heroku/providers/host.cjs` for the
 * provider, which registers tsx and loads `providers/index.ts`. Nothing about
 * the machine is stored: only the kind.
 */
import * as pulumi from "@pulumi/pulumi";
import type { ProviderKind } from "./providers/index";

export type { ProviderKind } from "./providers/index";

/** Where the host finds fleet's providers, relative to the project root. */
export const PROVIDER_HOST = "components/heroku/providers/host.cjs";

/**
 * The CommonJS module the engine stores as `__provider`: its `handler()`
 * returns fleet's provider of `kind`, loaded in the host.
 */
export function providerText(kind: ProviderKind): string {
  return `"use strict";
exports.handler = function () {
  const path = require("path"), fs = require("fs"), host = ${JSON.stringify(PROVIDER_HOST)};
  for (const start of [process.env.FLEET_PROJECT_DIR, process.cwd(), require.main && require.main.filename]) {
    for (let dir = start && path.resolve(start); dir; dir = path.dirname(dir) === dir ? "" : path.dirname(dir)) {
      if (fs.existsSync(path.join(dir, host))) return require(path.join(dir, host)).provider(${JSON.stringify(kind)});
    }
  }
  throw new Error("fleet's Heroku providers were not found: run pulumi in the fleet project after npm ci, or set FLEET_PROJECT_DIR to it.");
};
`;
}

/** A Heroku object as a Pulumi dynamic resource (`pulumi-nodejs:dynamic/heroku:<type>`). */
export abstract class HerokuResource extends pulumi.CustomResource {
  /**
   * @param kind which of fleet's providers manages it
   * @param type the type's last part (`App` → `pulumi-nodejs:dynamic/heroku:App`); changing it changes URNs
   * @param props inputs, and every output key seeded with `undefined`
   */
  protected constructor(kind: ProviderKind, type: string, name: string, props: pulumi.Inputs, opts?: pulumi.CustomResourceOptions) {
    super(`pulumi-nodejs:dynamic/heroku:${type}`, name, { ...props, __provider: providerText(kind) }, opts);
  }
}
