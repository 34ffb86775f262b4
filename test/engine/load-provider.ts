/**
 * Load a dynamic provider the way the real program gets it — Node's own
 * `require` with tsx's CommonJS hooks, as `--import tsx` compiles the program
 * — and serialize it exactly as `pulumi.dynamic.Resource` does. Loading it
 * through vitest's module transform instead would capture
 * `__vite_ssr_import_N__` objects and break in the engine.
 */
import { createRequire } from "node:module";
import * as path from "node:path";

const nodeRequire = createRequire(__filename);

/** The repository root (where package.json and node_modules live); the host runs here. */
export const PROJECT_ROOT = path.resolve(__dirname, "..", "..");

export interface SerializedProvider {
  /** CommonJS module text exporting `handler` (what the engine stores as `__provider`). */
  readonly text: string;
  readonly modulePath: string;
  readonly exportName: string;
}

type PulumiModule = typeof import("@pulumi/pulumi");
type TsxCjsApi = typeof import("tsx/cjs/api");

/** Require a TypeScript module of the project through tsx's CJS hooks, outside vitest's module graph. */
export function requireProjectModule(modulePath: string): Record<string, unknown> {
  const absolute = path.resolve(PROJECT_ROOT, modulePath);
  const tsx = nodeRequire("tsx/cjs/api") as TsxCjsApi;
  const unregister = tsx.register();
  try {
    return nodeRequire(absolute) as Record<string, unknown>;
  } finally {
    unregister();
  }
}

/** Serialize a provider object as `new pulumi.dynamic.Resource(provider, …)` would. */
export async function serializeProviderObject(provider: object, label: string, exportName = label): Promise<SerializedProvider> {
  const pulumi = nodeRequire("@pulumi/pulumi") as PulumiModule;
  const serialized = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
  if (serialized.text.includes("__vite_ssr_")) {
    throw new Error(`${label} was loaded through vitest's transform (its serialization captures __vite_ssr_ imports); load it with loadProvider()`);
  }
  if (serialized.exportName !== "handler") throw new Error(`unexpected export ${serialized.exportName} in the serialized ${label}`);
  return { text: serialized.text, modulePath: label, exportName };
}

/**
 * Load `exportName` from `modulePath` (relative to the project root) and
 * serialize it. `exportName` may be a dotted path (`providers.app`). Throws
 * when the export is not a provider object.
 */
export async function loadProvider(modulePath: string, exportName: string): Promise<SerializedProvider> {
  const mod = requireProjectModule(modulePath);
  let provider: unknown = mod;
  for (const part of exportName.split(".")) {
    provider = typeof provider === "object" && provider !== null ? (provider as Record<string, unknown>)[part] : undefined;
  }
  if (typeof provider !== "object" || provider === null || typeof (provider as { create?: unknown }).create !== "function") {
    throw new Error(`${modulePath} does not export a dynamic provider named ${exportName} (an object with create())`);
  }
  const serialized = await serializeProviderObject(provider, `${modulePath}#${exportName}`, exportName);
  return { ...serialized, modulePath };
}

/**
 * The provider text a Heroku resource stores for `kind` (what
 * `HerokuResource` puts in `__provider`), ready for the host.
 */
export function loadStub(kind: string): Promise<SerializedProvider> {
  const mod = requireProjectModule("components/heroku/heroku-resource.ts") as { providerText(kind: string): string };
  return Promise.resolve({ text: mod.providerText(kind), modulePath: "components/heroku/heroku-resource.ts", exportName: kind });
}
