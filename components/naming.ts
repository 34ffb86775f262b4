/**
 * Physical names of everything fleet creates, each within the budget of the
 * system that owns it. No call site builds a physical name by hand.
 */
import { createHash } from "node:crypto";

/** Heroku's rule for app names: 3–30 characters, lowercase letter first, no trailing dash. */
export const HEROKU_APP_NAME = /^[a-z][a-z0-9-]{1,28}[a-z0-9]$/;
export const HEROKU_APP_NAME_MAX = 30;
/** Postgres identifiers are cut at 63 bytes; fleet keeps them shorter and plain. */
export const POSTGRES_IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;
/** Heroku Postgres credential names. */
export const CREDENTIAL_NAME = /^[A-Za-z0-9_-]{1,50}$/;

/** Why a proposed Heroku app name breaks Heroku's rules, or undefined when it is valid. */
export function herokuAppNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > HEROKU_APP_NAME_MAX) {
    return `'${name}' is ${name.length} characters; Heroku app names have 3 to 30`;
  }
  if (!HEROKU_APP_NAME.test(name)) {
    return `'${name}' breaks Heroku's rule: lowercase letters, digits and dashes, starting with a letter and not ending with a dash`;
  }
  return undefined;
}

function shortHash(text: string, length: number): string {
  return createHash("sha256").update(text).digest("hex").slice(0, length);
}

/**
 * Joins parts with dashes and fits the result in `max` characters: when too
 * long, the longest part is cut and a 4-character hash of the full name keeps
 * two long names from colliding.
 */
export function fitName(parts: readonly string[], max: number): string {
  const clean = parts.filter((p) => p.length > 0);
  const full = clean.join("-");
  if (full.length <= max) return full;
  const hash = shortHash(full, 4);
  const budget = max - hash.length - 1;
  const cut = [...clean];
  while (cut.join("-").length > budget) {
    let longest = 0;
    for (let i = 1; i < cut.length; i++) if (cut[i]!.length > cut[longest]!.length) longest = i;
    const part = cut[longest]!;
    cut[longest] = part.slice(0, part.length - 1).replace(/-+$/, "");
    if (cut[longest]!.length === 0) cut.splice(longest, 1);
  }
  return `${cut.join("-")}-${hash}`;
}

/** Suffix that tells environments apart in Heroku's global namespace; production has none. */
export function stackSuffix(stack: string): string {
  if (stack === "production") return "";
  if (stack === "staging") return "stg";
  return stack.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 8);
}

/** The Heroku app name of an app in a stack: `<prefix>-<app>[-<stack>]`, at most 30 characters. */
export function herokuAppName(prefix: string, app: string, stack: string): string {
  return fitName([prefix, app, stackSuffix(stack)], HEROKU_APP_NAME_MAX);
}

/** snake_case form of an app name, for Postgres schemas and roles. */
export function snakeCase(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "");
}

/** Name of the Heroku Postgres credential (and role) an app uses on Standard+ plans. */
export function credentialName(app: string): string {
  return snakeCase(app).slice(0, 50);
}

/** Attachment name under which an app sees a database it shares: `DATABASE` gives `DATABASE_URL`. */
export const DATABASE_ATTACHMENT = "DATABASE";
export const REDIS_ATTACHMENT = "REDIS";

/** Global Heroku add-on name for a fleet-owned data store, so it can be found again by name. */
export function addonName(herokuApp: string, role: string): string {
  return fitName([herokuApp, role], 60);
}

/** Heroku's rule for pipeline names. */
export const PIPELINE_NAME = /^[a-z][a-z0-9-]{2,29}$/;

/** The pipeline of an app across stacks: `<prefix>-<app>`, at most 30 characters (no stack suffix: it spans stacks). */
export function pipelineName(prefix: string, app: string): string {
  return fitName([prefix, app], 30);
}
