/**
 * The provider each Heroku resource hands to Pulumi: a stub of a few lines
 * that names its kind and, when the engine calls it, loads fleet's provider
 * code from the project it runs in.
 *
 * Pulumi stores a dynamic resource's serialized provider in its inputs and
 * again in its outputs. Serializing the providers themselves deep-copied the
 * HTTP client, zod schemas and archive code into every resource: 70–100 KB
 * each, megabytes per stack, and about a second of every program run. The
 * stub's text never changes with fleet's code, so upgrading fleet shows no
 * diff on unchanged objects; objects whose state holds an older, fully
 * serialized provider keep running that copy for refresh and delete, and
 * pick up the stub at their next update.
 *
 * Where it runs: the CLI starts the dynamic-provider host as plain `node`
 * in the project directory (the project's `nodeargs` do not apply), so the
 * stub finds the project by walking up from the working directory (or from
 * the host's own file in the project's node_modules, or `FLEET_PROJECT_DIR`)
 * and loads `components/heroku/providers/host.cjs`, which registers tsx and
 * requires the providers. Nothing about this machine is stored in state:
 * only the kind.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { ProviderKind } from "./providers/index";

export type { ProviderKind } from "./providers/index";

/** The stub for one kind of Heroku object. Create one per kind: the SDK caches each stub's serialization. */
export function providerStub(kind: ProviderKind): pulumi.dynamic.ResourceProvider {
  // Only `kind` and these closures are serialized; every method defers to the loaded provider.
  const provider = (): Required<pulumi.dynamic.ResourceProvider> => loadFleetProvider(kind);
  return {
    check: (olds, news) => provider().check(olds, news),
    diff: (id, olds, news) => provider().diff(id, olds, news),
    create: (inputs) => provider().create(inputs),
    read: (id, props) => provider().read(id, props),
    update: (id, olds, news) => provider().update(id, olds, news),
    delete: (id, props) => provider().delete(id, props),
  };
}

/**
 * Runs in the dynamic-provider host: finds the fleet project (from
 * FLEET_PROJECT_DIR, the working directory, or the host's own file in the
 * project's node_modules) and asks its providers/host.cjs for the provider.
 * Kept short: this text is stored twice per resource in every state.
 */
function loadFleetProvider(kind: string): Required<pulumi.dynamic.ResourceProvider> {
  const store = globalThis as { __fleetHerokuHost?: { provider(kind: string): Required<pulumi.dynamic.ResourceProvider> } };
  if (store.__fleetHerokuHost === undefined) {
    const path = require("node:path") as typeof import("node:path");
    const fs = require("node:fs") as typeof import("node:fs");
    const host = path.join("components", "heroku", "providers", "host.cjs");
    for (const start of [process.env["FLEET_PROJECT_DIR"], process.cwd(), require.main?.filename]) {
      for (let dir = path.resolve(start ?? "/"), up = ""; start && dir !== up; up = dir, dir = path.dirname(dir)) {
        if (fs.existsSync(path.join(dir, host))) return (store.__fleetHerokuHost = require(path.join(dir, host))).provider(kind);
      }
    }
    throw new Error("fleet's Heroku providers were not found: run pulumi in the fleet project after `npm ci`, or set FLEET_PROJECT_DIR to it.");
  }
  return store.__fleetHerokuHost.provider(kind);
}
