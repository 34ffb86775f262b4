/**
 * Stack configurations for tests: the committed stack files with every
 * provided secret set (to a recognisable fake), and small helpers to change
 * one setting at a time.
 */
import path from "node:path";
import { buildEnvironment, type BuildResult } from "../../stacks/environment";
import { APP_SPECS } from "../../stacks/specs";
import { readStackFiles } from "../../scripts/lib/stack-files";

export const ROOT = path.resolve(import.meta.dirname, "..", "..");

export interface TestConfig {
  values: Record<string, string>;
  secretKeys: string[];
}

/** A fake secret value that names its key, so a leak is easy to spot. */
export function fakeSecret(key: string): string {
  return `fake-secret-for-${key.replace(/[^a-zA-Z0-9]/g, "-")}`;
}

/** The committed stack file, with every secret the apps need set. */
export function completeConfig(stack: "staging" | "production"): TestConfig {
  const files = readStackFiles(ROOT, stack);
  const values = { ...files.config };
  const secretKeys = [...files.secretKeys];
  for (const spec of APP_SPECS) {
    for (const key of Object.keys(spec.providedSecrets ?? {})) {
      const full = `${spec.name}:${key}`;
      values[full] = fakeSecret(full);
      secretKeys.push(full);
    }
  }
  if (values["fleet:databases"]?.includes('"external"')) {
    const dbs = JSON.parse(values["fleet:databases"]) as Record<string, { external?: unknown }>;
    const urls = Object.fromEntries(
      Object.entries(dbs)
        .filter(([, d]) => d.external)
        .map(([name]) => [name, `postgres://admin:${fakeSecret(name)}@db.example.net:5432/postgres`]),
    );
    values["fleet:databaseUrls"] = JSON.stringify(urls);
    secretKeys.push("fleet:databaseUrls");
  }
  return { values, secretKeys };
}

/** Edits a structured `fleet:` key in place (parsed JSON, mutated, written back). */
export function editJson<T>(config: TestConfig, key: string, edit: (value: T) => void, initial: unknown = {}): TestConfig {
  const value = (config.values[key] !== undefined ? JSON.parse(config.values[key]) : initial) as T;
  edit(value);
  config.values[key] = JSON.stringify(value);
  return config;
}

export function build(stack: string, config: TestConfig): BuildResult {
  return buildEnvironment({ stack, specs: APP_SPECS, raw: { values: config.values, secretKeys: new Set(config.secretKeys) } });
}

/** The problems of a config that must be rejected, as `where: what` lines plus fixes. */
export function problemsOf(result: BuildResult): { where: string; what: string; fix: string }[] {
  if (result.ok) throw new Error("expected the configuration to be rejected, but it was accepted");
  return result.problems.map((p) => ({ where: p.where, what: p.what, fix: p.fix }));
}
