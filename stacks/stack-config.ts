/**
 * Reads a stack's raw Pulumi configuration (the flat `namespace:key` → text map
 * the engine hands the program) into a validated StackConfig, collecting every
 * problem with the config path and the command that fixes it.
 */
import { z } from "zod";
import type { AppSpec } from "./app-spec";
import { settingKeys, takeAppSettings, type ResolvedSettings } from "./app-settings";
import { issuePath, wordsForIssue } from "./config-issues";
import { FLEET_KEY_KINDS, FLEET_SECRET_KEYS, type StackConfig } from "./config-schema";
import { parseLeniently, type SetAside } from "./lenient-parse";
import { Problems } from "./problems";
import { alsoCredential, ROTATE_IT, secretLooking, stringLeaves } from "./secret-looking";
import { configRmCommand, configSetCommand, PROJECT } from "./stack-command";
import { tierSuggestedBy } from "./tiers";

export { configSetCommand, PROJECT } from "./stack-command";

/** The raw configuration of a stack: every key as text, and which keys are secret. */
export interface RawConfig {
  readonly values: Readonly<Record<string, string>>;
  readonly secretKeys: ReadonlySet<string>;
}

/** Config keys outside `fleet:` that belong to providers, not to apps. */
const PROVIDER_NAMESPACES = new Set(["cloudflare", "postgresql", "random", "pulumi", "heroku"]);

/** Provider settings that are credentials whatever they look like. */
const PROVIDER_CREDENTIALS = new Set(["cloudflare:apiToken", "cloudflare:apiKey", "cloudflare:apiUserServiceKey", "postgresql:password", "heroku:apiKey"]);

/**
 * Settings not scanned here: formats the schema pins to something that is not
 * a secret though it may look random, and app variables, which the variable
 * check scans knowing who owns each (stacks/env-vars.ts).
 */
const NOT_SCANNED = [/^cloudflareAccountId$/, /^databases\.[^.]+\.attach\.addon$/, /^apps\.[^.]+\.config\./];

export interface ParsedStackConfig {
  /** The settings, with every value the schema refused set aside (see `setAside`). */
  readonly config: StackConfig | undefined;
  /** What was set aside because the schema refused it (already reported). */
  readonly setAside: SetAside;
  /** Top-level `fleet:` settings stored as secrets (Pulumi marks a whole key secret when any value in it is). */
  readonly secretSettings: ReadonlySet<string>;
  /** Secret values by app, then variable: `euterpe:SPOTIFY_CLIENT_SECRET` → apps.euterpe.SPOTIFY_CLIENT_SECRET. */
  readonly appSecrets: ReadonlyMap<string, ReadonlyMap<string, string>>;
  /** App config keys set without `--secret`: a mistake, reported by the environment builder with the app's context. */
  readonly plaintextAppKeys: readonly string[];
  /** External database URLs by database name (secret). */
  readonly databaseUrls: ReadonlyMap<string, string>;
  readonly logDrainUrl: string | undefined;
  /** What each app's own settings (`fleet:apps.<app>.<key>` declared by its spec) amount to. */
  readonly appSettings: ReadonlyMap<string, ResolvedSettings>;
}

/** Turns the flat config map into the `fleet:` object and the per-app secrets; `specs` declare the apps' own settings. */
export function parseStackConfig(stack: string, raw: RawConfig, problems: Problems, specs: readonly AppSpec[] = []): ParsedStackConfig {
  const fleet: Record<string, unknown> = {};
  const secretSettings = new Set<string>();
  const appSecrets = new Map<string, Map<string, string>>();
  const plaintextAppKeys: string[] = [];
  let databaseUrls = new Map<string, string>();
  let logDrainUrl: string | undefined;

  for (const [fullKey, text] of Object.entries(raw.values)) {
    const colon = fullKey.indexOf(":");
    const namespace = colon < 0 ? PROJECT : fullKey.slice(0, colon);
    const key = colon < 0 ? fullKey : fullKey.slice(colon + 1).replace(/^config:/, "");
    const isSecret = raw.secretKeys.has(fullKey);
    if (namespace === PROJECT) {
      if (key === FLEET_SECRET_KEYS.databaseUrls) {
        databaseUrls = parseSecretMap(stack, fullKey, text, isSecret, problems);
      } else if (key === FLEET_SECRET_KEYS.logDrainUrl) {
        if (!isSecret) {
          problems.add(fullKey, "holds a URL that may carry credentials but is stored in plaintext", configSetCommand(stack, fullKey, "<url>", { secret: true }));
        }
        logDrainUrl = text;
      } else if (key in FLEET_KEY_KINDS) {
        fleet[key] = decode(text, FLEET_KEY_KINDS[key as keyof StackConfig]);
        if (isSecret) secretSettings.add(key);
        else reportSecretLooking(stack, key, fleet[key], problems);
      } else {
        const credential = alsoCredential(isSecret ? "" : text);
        problems.add(
          fullKey,
          `is not a fleet setting${credential.what}`,
          `remove it from Pulumi.${stack}.yaml${credential.fix}; fleet reads ${Object.keys(FLEET_KEY_KINDS).map((k) => `fleet:${k}`).join(", ")}`,
        );
      }
      continue;
    }
    if (PROVIDER_NAMESPACES.has(namespace)) {
      if (!isSecret) reportPlaintextProviderSecret(stack, fullKey, text, problems);
      continue;
    }
    if (!isSecret) plaintextAppKeys.push(fullKey);
    let forApp = appSecrets.get(namespace);
    if (!forApp) appSecrets.set(namespace, (forApp = new Map()));
    forApp.set(key, text);
  }

  const appSettings = takeAppSettings(stack, fleet, specs, secretSettings.has("apps"), problems);
  const parsed = parseLeniently(fleet, { tier: tierSuggestedBy(stack), appPrefix: PROJECT });
  for (const issue of parsed.issues) {
    const top = String(issue.path[0] ?? "");
    const words = wordsForIssue(stack, issue, secretSettings.has(top));
    problems.add(words.where, words.what, withAppSettings(words.fix, issue, specs));
  }
  return {
    config: parsed.config,
    setAside: parsed.setAside,
    secretSettings,
    appSecrets,
    plaintextAppKeys,
    databaseUrls,
    logDrainUrl,
    appSettings,
  };
}

/** An unknown key of `fleet:apps.<app>`: the fix lists the app's own settings beside the common ones. */
function withAppSettings(fix: string, issue: z.core.$ZodIssue, specs: readonly AppSpec[]): string {
  const path = issuePath(issue);
  if (issue.code !== "unrecognized_keys" || path.length !== 2 || path[0] !== "apps") return fix;
  const keys = settingKeys(specs, String(path[1]));
  return keys.length === 0 ? fix : fix.replace(/\)$/, `; ${String(path[1])} also takes ${keys.join(", ")})`);
}

/**
 * Structured settings arrive as JSON text. A value that is not JSON is a plain
 * string the operator wrote where a list or map belongs: it stays a string, so
 * the schema can say what was given and what is expected.
 */
function decode(text: string, kind: "string" | "json"): unknown {
  // Project defaults of "" mean "not set" (the CLI cannot declare an optional string otherwise).
  if (kind === "string") return text === "" ? undefined : text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** A credential pasted into a plain setting is refused, and never repeated. */
function reportSecretLooking(stack: string, key: string, value: unknown, problems: Problems): void {
  for (const leaf of stringLeaves(value)) {
    const path = leaf.path ? `${key}${leaf.path.startsWith("[") ? "" : "."}${leaf.path}` : key;
    if (NOT_SCANNED.some((p) => p.test(path))) continue;
    const looks = secretLooking(leaf.value);
    if (!looks) continue;
    const full = `${PROJECT}:${path}`;
    problems.add(
      full,
      `looks like a credential (${looks}) stored in plaintext in Pulumi.${stack}.yaml`,
      `remove it (${configRmCommand(stack, full, { path: path !== key })}): fleet:${key} holds no credential; ${ROTATE_IT}`,
    );
  }
}

function reportPlaintextProviderSecret(stack: string, key: string, text: string, problems: Problems): void {
  const looks = PROVIDER_CREDENTIALS.has(key) ? "a provider credential" : secretLooking(text);
  if (!looks) return;
  problems.add(key, `is ${looks} stored in plaintext`, `${configSetCommand(stack, key, "<value>", { secret: true })}; ${ROTATE_IT}`);
}

function parseSecretMap(stack: string, key: string, text: string, isSecret: boolean, problems: Problems): Map<string, string> {
  const result = new Map<string, string>();
  if (!isSecret) {
    problems.add(key, "holds database URLs with passwords but is stored in plaintext", configSetCommand(stack, `${key}.<database>`, "<url>", { secret: true, path: true }));
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  const shape = z.record(z.string(), z.string()).safeParse(value);
  if (!shape.success) {
    problems.add(key, "must map database names to URLs", configSetCommand(stack, `${key}.<database>`, "<url>", { secret: true, path: true }));
    return result;
  }
  for (const [name, url] of Object.entries(shape.data)) result.set(name, url);
  return result;
}
