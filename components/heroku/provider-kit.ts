/**
 * Small helpers every Heroku provider uses: reading the engine's untyped
 * property bags through zod, the engine's "unknown" marker, check failures,
 * error context, and app identity.
 *
 * Serialized with the providers: functions only, no module state.
 */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import type { HerokuClient } from "./client";
import { herokuStats, seg } from "./client";
import { isRejected, isResourceInitError, messageOf, resourceInitError } from "./errors";
import { appSchema } from "./schemas";

/** The value the engine sends for inputs not known yet (during preview). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** True when the engine does not know this value yet (preview). */
export function isUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(isUnknown);
  if (value !== null && typeof value === "object") return Object.values(value).some(isUnknown);
  return false;
}

/**
 * During preview the engine may diff inputs that are not known yet. Their
 * final values cannot be compared, so: a change, and a replacement if any of
 * them is a property that forces one. `undefined` when every input is known.
 */
export function unknownDiff(newInputs: unknown, replaceKeys: readonly string[]): pulumi.dynamic.DiffResult | undefined {
  if (newInputs === null || typeof newInputs !== "object") return undefined;
  const unknown = Object.entries(newInputs as Record<string, unknown>)
    .filter(([key, value]) => key !== "__provider" && isUnknown(value))
    .map(([key]) => key);
  if (unknown.length === 0) return undefined;
  const replaces = unknown.filter((key) => replaceKeys.includes(key));
  return { changes: true, replaces, deleteBeforeReplace: replaces.length > 0 };
}

/**
 * Reads a property bag from the engine (inputs, or outputs of a prior
 * create) with a zod schema. Fails naming the resource kind and the
 * properties that do not fit.
 */
export function parseProps<T>(kind: string, schema: z.ZodType<T>, raw: unknown): T {
  const parsed = schema.safeParse(raw ?? {});
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`).join("; ");
  throw new Error(`heroku:${kind}: unexpected properties (${problems}).`);
}

/** One check failure, as the engine shows it next to the property. */
export function failure(property: string, reason: string): pulumi.dynamic.CheckFailure {
  return { property, reason };
}

/**
 * Turns zod issues of the user's inputs into check failures, one per
 * property, so the engine shows every problem at once.
 */
export function zodFailures(error: z.ZodError): pulumi.dynamic.CheckFailure[] {
  return error.issues.map((issue) => failure(issue.path.map(String).join(".") || "(inputs)", issue.message));
}

/**
 * The usual `check`: validates the known inputs with `schema` (values still
 * unknown during preview are passed through unchecked), applies its
 * defaults, then runs `rules` on the result for cross-field problems. All
 * failures are reported together.
 */
export async function checkInputs<T extends Record<string, unknown>>(
  schema: z.ZodType<T>,
  news: unknown,
  rules?: (inputs: T, unknownKeys: ReadonlySet<string>) => pulumi.dynamic.CheckFailure[] | Promise<pulumi.dynamic.CheckFailure[]>,
): Promise<pulumi.dynamic.CheckResult> {
  const raw: Record<string, unknown> = news !== null && typeof news === "object" ? { ...(news as Record<string, unknown>) } : {};
  delete raw["__provider"];
  const unknownKeys = new Set(Object.keys(raw).filter((key) => isUnknown(raw[key])));
  const known: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) if (!unknownKeys.has(key)) known[key] = value;
  const parsed = schema.safeParse(known);
  if (!parsed.success) {
    const failures = zodFailures(parsed.error).filter((f) => !unknownKeys.has(f.property.split(".")[0] ?? ""));
    if (failures.length > 0) return { inputs: raw, failures };
    return { inputs: raw };
  }
  const inputs: Record<string, unknown> = { ...parsed.data };
  for (const key of unknownKeys) inputs[key] = raw[key];
  const failures = rules ? await rules(parsed.data, unknownKeys) : [];
  return failures.length > 0 ? { inputs, failures } : { inputs };
}

/** Drops `undefined` values (the engine rejects them in outputs) and sorts nothing. */
export function compact<T extends Record<string, unknown>>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) if (item !== undefined) out[key] = item;
  return out as T;
}

/**
 * Runs one step of a provider method and prefixes its error with the object
 * it was working on (`Creating add-on shop-db on app 1234…: …`). Keeps a
 * created-but-failed error's id so the engine still records the object.
 */
export async function step<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const message = messageOf(error);
    if (isResourceInitError(error)) throw resourceInitError(error.id, error.properties, `${what}: ${message}`);
    // Keep what callers may inspect (status, Heroku's code, Request-Id), never an `id` (see errors.ts).
    const wrapped = new Error(`${what}: ${message}`);
    if (error !== null && typeof error === "object") {
      for (const key of ["status", "code", "requestId"] as const) {
        const value = (error as Record<string, unknown>)[key];
        if (value !== undefined) (wrapped as unknown as Record<string, unknown>)[key] = value;
      }
    }
    throw wrapped;
  }
}

/**
 * What a lookup by natural key (attachment name, hostname, drain URL, add-on
 * name) found after Heroku refused a create because that key is taken.
 */
export type Claim<T> =
  /** fleet's own object, e.g. left by an earlier create that failed after Heroku had made it: taken back. */
  | { readonly mine: T }
  /** It belongs to something else: what it is, whose it is, and what the user can do. */
  | { readonly theirs: string }
  /** Nothing of that key is visible: Heroku's refusal stands. */
  | undefined;

/** An error that keeps what callers inspect on `original` (status, Heroku's code, Request-Id) under a new message. */
export function derivedError(original: unknown, message: string): Error {
  const error = new Error(message);
  if (original !== null && typeof original === "object") {
    for (const key of ["status", "code", "requestId"] as const) {
      const value = (original as Record<string, unknown>)[key];
      if (value !== undefined) (error as unknown as Record<string, unknown>)[key] = value;
    }
  }
  return error;
}

/**
 * Runs a create so that it converges whatever happened before: when Heroku
 * refuses it because the object's natural key is taken (422/409), `lookup`
 * decides. fleet's own object is taken back (returned as the create's answer,
 * once); one that belongs to something else is an error naming it; nothing
 * visible leaves Heroku's refusal as it was. Every error names the refusal,
 * and the lookup's failure when there is one.
 */
export async function createOrTakeBack<T>(
  api: HerokuClient,
  what: string,
  create: () => Promise<T>,
  lookup: () => Promise<Claim<T>>,
): Promise<T> {
  try {
    return await create();
  } catch (error) {
    if (!isRejected(error)) throw error;
    let claim: Claim<T>;
    try {
      claim = await lookup();
    } catch (lookupError) {
      throw derivedError(error, `${messageOf(error)} Looking up the existing ${what} to take it back failed too: ${messageOf(lookupError)}`);
    }
    if (claim === undefined) throw error;
    if ("theirs" in claim) throw derivedError(error, `${claim.theirs} (Heroku refused the create: ${messageOf(error)})`);
    herokuStats().takeBacks++;
    api.log.info(`${what} already existed on Heroku, made by an earlier create that did not finish; taking it back`);
    return claim.mine;
  }
}

/** A lookup for a create's `recover` (after an answer was lost): only fleet's own object resumes the create. */
export function mineOnly<T>(lookup: () => Promise<Claim<T>>): () => Promise<T | undefined> {
  return async () => {
    const claim = await lookup();
    return claim !== undefined && "mine" in claim ? claim.mine : undefined;
  };
}

/** A Heroku UUID (ids of apps, add-ons, builds…). */
export function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}

/**
 * The app's UUID: as is when given one, else looked up by name (one GET).
 * Providers store the UUID so later calls survive a rename of the app.
 */
export async function resolveAppId(api: HerokuClient, app: string): Promise<string> {
  if (isUuid(app)) return app;
  const found = await api.get(`/apps/${seg(app)}`, appSchema(), {
    hint: `Check that the app "${app}" exists and that HEROKU_API_KEY can see it.`,
  });
  return found.id;
}

/** Equal string maps (same keys, same values). */
export function sameStringMap(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && a[key] === b[key]);
}

/** `"heroku-postgresql:standard-0"` → service and plan parts. */
export function splitPlan(plan: string): { service: string; plan: string } {
  const colon = plan.indexOf(":");
  return colon < 0 ? { service: plan, plan: "" } : { service: plan.slice(0, colon), plan: plan.slice(colon + 1) };
}

/** Re-exported for providers: created on Heroku but not ready. */
export { resourceInitError };
