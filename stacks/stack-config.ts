/**
 * Reads a stack's raw Pulumi configuration (the flat `namespace:key` → text map
 * the engine hands the program) into a validated StackConfig, collecting every
 * problem with the config path and the command that fixes it.
 */
import { z } from "zod";
import { FLEET_KEY_KINDS, FLEET_SECRET_KEYS, stackConfigSchema, type StackConfig } from "./config-schema";
import { Problems } from "./problems";

export const PROJECT = "fleet";

/** The raw configuration of a stack: every key as text, and which keys are secret. */
export interface RawConfig {
  readonly values: Readonly<Record<string, string>>;
  readonly secretKeys: ReadonlySet<string>;
}

/** Config keys outside `fleet:` that belong to providers, not to apps. */
const PROVIDER_NAMESPACES = new Set(["cloudflare", "postgresql", "random", "pulumi", "heroku"]);

export interface ParsedStackConfig {
  readonly config: StackConfig | undefined;
  /** Secret values by app, then variable: `euterpe:SPOTIFY_CLIENT_SECRET` → apps.euterpe.SPOTIFY_CLIENT_SECRET. */
  readonly appSecrets: ReadonlyMap<string, ReadonlyMap<string, string>>;
  /** App config keys set without `--secret`: a mistake, reported by the environment builder with the app's context. */
  readonly plaintextAppKeys: readonly string[];
  /** External database URLs by database name (secret). */
  readonly databaseUrls: ReadonlyMap<string, string>;
  readonly logDrainUrl: string | undefined;
}

export function configSetCommand(stack: string, key: string, value: string, options: { secret?: boolean; path?: boolean } = {}): string {
  const flags = [options.secret ? "--secret" : "", options.path ? "--path" : ""].filter(Boolean).join(" ");
  const quotedKey = options.path ? `'${key}'` : key;
  return `pulumi config set ${flags ? `${flags} ` : ""}${quotedKey} ${value} --stack ${stack}`;
}

function issuePath(issue: z.core.$ZodIssue): (string | number)[] {
  return issue.path.filter((p): p is string | number => typeof p !== "symbol");
}

/** `fleet:apps.euterpe.formation.web.size` from a zod path. */
function configPath(path: readonly (string | number)[]): string {
  const [top, ...rest] = path;
  return `${PROJECT}:${String(top)}${rest.map((p) => (typeof p === "number" ? `[${p}]` : `.${p}`)).join("")}`;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === "unrecognized_keys") {
    return `unknown setting${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `'${k}'`).join(", ")}`;
  }
  if (issue.code === "invalid_type" && issue.input === undefined) return "is required";
  return issue.message;
}

function fixFor(stack: string, issue: z.core.$ZodIssue, path: readonly (string | number)[]): string {
  const key = configPath(path);
  if (issue.code === "unrecognized_keys") {
    const known = knownKeysAt(path);
    return `remove or rename it in Pulumi.${stack}.yaml${known ? ` (known here: ${known})` : ""}`;
  }
  const isTop = path.length === 1;
  return configSetCommand(stack, key, "<value>", { path: !isTop });
}

function knownKeysAt(path: readonly (string | number)[]): string | undefined {
  let schema: z.ZodType = stackConfigSchema;
  for (const part of path) {
    const def = schema as unknown as { shape?: Record<string, z.ZodType>; valueType?: z.ZodType; unwrap?: () => z.ZodType };
    if (def.shape && typeof part === "string" && def.shape[part]) schema = def.shape[part]!;
    else if (def.valueType) schema = def.valueType;
    else return undefined;
    while ((schema as unknown as { unwrap?: () => z.ZodType }).unwrap) {
      schema = (schema as unknown as { unwrap: () => z.ZodType }).unwrap();
    }
  }
  const shape = (schema as unknown as { shape?: Record<string, unknown> }).shape;
  return shape ? Object.keys(shape).join(", ") : undefined;
}

/** Turns the flat config map into the `fleet:` object and the per-app secrets. */
export function parseStackConfig(stack: string, raw: RawConfig, problems: Problems): ParsedStackConfig {
  const fleet: Record<string, unknown> = {};
  const appSecrets = new Map<string, Map<string, string>>();
  const plaintextAppKeys: string[] = [];
  let databaseUrls = new Map<string, string>();
  let logDrainUrl: string | undefined;

  for (const [fullKey, text] of Object.entries(raw.values)) {
    const colon = fullKey.indexOf(":");
    const namespace = colon < 0 ? PROJECT : fullKey.slice(0, colon);
    const key = colon < 0 ? fullKey : fullKey.slice(colon + 1).replace(/^config:/, "");
    if (namespace === PROJECT) {
      if (key === FLEET_SECRET_KEYS.databaseUrls) {
        databaseUrls = parseSecretMap(stack, fullKey, text, raw.secretKeys.has(fullKey), problems);
      } else if (key === FLEET_SECRET_KEYS.logDrainUrl) {
        if (!raw.secretKeys.has(fullKey)) {
          problems.add(fullKey, "holds a URL that may carry credentials but is stored in plaintext", configSetCommand(stack, fullKey, "<url>", { secret: true }));
        }
        logDrainUrl = text;
      } else if (key in FLEET_KEY_KINDS) {
        fleet[key] = decode(stack, fullKey, text, FLEET_KEY_KINDS[key as keyof StackConfig], problems);
      } else {
        problems.add(fullKey, "is not a fleet setting", `remove it from Pulumi.${stack}.yaml; fleet reads ${Object.keys(FLEET_KEY_KINDS).map((k) => `fleet:${k}`).join(", ")}`);
      }
      continue;
    }
    if (PROVIDER_NAMESPACES.has(namespace)) continue;
    if (!raw.secretKeys.has(fullKey)) plaintextAppKeys.push(fullKey);
    let forApp = appSecrets.get(namespace);
    if (!forApp) appSecrets.set(namespace, (forApp = new Map()));
    forApp.set(key, text);
  }

  const parsed = stackConfigSchema.safeParse(fleet);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issuePath(issue);
      if (path.length === 0) {
        problems.add(`${PROJECT}:`, describeIssue(issue), `edit Pulumi.${stack}.yaml`);
        continue;
      }
      problems.add(configPath(path), describeIssue(issue), fixFor(stack, issue, path));
    }
  }
  return { config: parsed.success ? parsed.data : undefined, appSecrets, plaintextAppKeys, databaseUrls, logDrainUrl };
}

function decode(stack: string, key: string, text: string, kind: "string" | "json", problems: Problems): unknown {
  // Project defaults of "" mean "not set" (the CLI cannot declare an optional string otherwise).
  if (kind === "string") return text === "" ? undefined : text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    problems.add(key, `is not valid structured config ('${text.slice(0, 40)}')`, `fix its YAML in Pulumi.${stack}.yaml`);
    return undefined;
  }
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
