/**
 * The stack configuration (`Pulumi.<stack>.yaml`, namespace `fleet:`), as zod
 * schemas. Everything here is checked before any resource is registered.
 */
import { z } from "zod";
import { HEROKU_APP_NAME } from "../components/naming";

export const TIERS = ["staging", "production"] as const;
export type Tier = (typeof TIERS)[number];

/** Dyno sizes as Heroku names them (the API answers them capitalised; fleet compares case-insensitively). */
export const DYNO_SIZES = [
  "eco",
  "basic",
  "standard-1X",
  "standard-2X",
  "performance-M",
  "performance-L",
  "performance-L-RAM",
  "performance-XL",
  "performance-2XL",
] as const;
export type DynoSize = (typeof DYNO_SIZES)[number];

const dynoSize = z
  .string()
  .transform((s, ctx) => {
    const found = DYNO_SIZES.find((d) => d.toLowerCase() === s.toLowerCase());
    if (!found) {
      ctx.addIssue({ code: "custom", message: `'${s}' is not a Heroku dyno size; use one of ${DYNO_SIZES.join(", ")}` });
      return z.NEVER;
    }
    return found;
  });

export const POSTGRES_PLAN = /^(essential-[0-2]|standard-\d|premium-\d|private-\d|shield-\d)$/;
export const REDIS_PLAN = /^(mini|premium-\d+|private-\d+|shield-\d+)$/;

const postgresPlan = z.string().regex(POSTGRES_PLAN, {
  message: "is not a Heroku Postgres plan (essential-0…2, standard-N, premium-N, private-N, shield-N)",
});
const redisPlan = z.string().regex(REDIS_PLAN, {
  message: "is not a Heroku Key-Value Store plan (mini, premium-N, private-N, shield-N)",
});
const herokuAppName = z.string().regex(HEROKU_APP_NAME, {
  message: "is not a valid Heroku app name (3–30 characters: lowercase letters, digits, dashes; letter first; no trailing dash)",
});
const hostname = z
  .string()
  .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, {
    message: "is not a lowercase DNS hostname such as api.example.com",
  });
const envVarName = z.string().regex(/^[A-Z][A-Z0-9_]*$/, { message: "is not an environment variable name (UPPER_SNAKE_CASE)" });
const processType = z.string().regex(/^[-\w]{1,128}$/, { message: "is not a Procfile process type" });
/** `service:plan` of an add-on, as `heroku addons:create` takes it. */
export const ADDON_PLAN = /^[a-z0-9][a-z0-9-]*:[a-z0-9][a-z0-9-]*$/;
const addonPlan = z.string().regex(ADDON_PLAN, { message: "is not an add-on plan: write <service>:<plan>, as `heroku addons:create` takes it" });
/** The name an extra add-on goes by in the stack (and in its Heroku add-on name). */
const addonKey = z.string().regex(/^[a-z][a-z0-9-]{0,29}$/, { message: "is not an add-on name (1–30 lowercase letters, digits or dashes, a letter first)" });
/** A Pulumi stack name. */
const stackName = z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/, { message: "is not a stack name (letters, digits, -, _ and .)" });
const storeName = z.string().regex(/^[a-z][a-z0-9-]{0,30}$/, { message: "is not a store name (lowercase letters, digits, dashes)" });

const RELEASE_PIN_MESSAGE = "must be a release version of the app, such as 41 or v41 (`heroku releases` lists them)";
const releasePin = z.union([z.number(), z.string()], { error: RELEASE_PIN_MESSAGE }).transform((value, ctx) => {
  const version = typeof value === "number" ? value : /^v?[1-9]\d{0,8}$/.test(value) ? Number(value.replace(/^v/, "")) : Number.NaN;
  if (Number.isInteger(version) && version >= 1) return version;
  ctx.addIssue({ code: "custom", message: RELEASE_PIN_MESSAGE });
  return z.NEVER;
});

/** Size and count of one process type. */
export const processOverrideSchema = z.strictObject({
  /** Dyno size. @default the tier's size */
  size: dynoSize.optional(),
  /** Number of dynos; 0 stops the process. @default 1 */
  quantity: z.number().int().min(0).max(100).optional(),
});

/** Per-app settings of a stack; every field is optional and falls back to the tier defaults. */
export const appOverrideSchema = z.strictObject({
  /** Set to false to leave the app out of this stack. @default true */
  enabled: z.boolean().optional(),
  /** Name of an existing Heroku app to adopt and manage instead of creating one. */
  adoptApp: herokuAppName.optional(),
  /** Exact Heroku app name instead of `<appPrefix>-<app>[-<stack>]`. */
  herokuName: herokuAppName.optional(),
  /** Dyno size and quantity per process type. */
  formation: z.record(processType, processOverrideSchema).optional(),
  /** Add-on plans for the app's own data stores. */
  plans: z.strictObject({ postgres: postgresPlan.optional(), redis: redisPlan.optional() }).optional(),
  /** Custom hostname, or false for none. @default `<domainPrefix>.<cloudflareZone>` when the spec names a prefix */
  domain: z.union([hostname, z.literal(false)], { error: "must be a lowercase DNS hostname such as api.example.com, or false for none" }).optional(),
  /** `dedicated` (an add-on of its own) or the name of an entry of `fleet:databases`. @default "dedicated" */
  database: z.string().min(1).optional(),
  /** `dedicated` or the name of an entry of `fleet:redis`. @default "dedicated" */
  redis: z.string().min(1).optional(),
  /** Plain (non-secret) variables that override or complete the spec's `config`. */
  config: z.record(envVarName, z.string()).optional(),
  /** Generation of each generated secret; raise by one to rotate. @default 1 */
  rotate: z.record(envVarName, z.number().int().min(1).max(1000)).optional(),
  /**
   * Rollback: run this earlier release of the app again (its version, as
   * `heroku releases` lists it: 41 or v41) instead of the current source;
   * remove it to return to the source. @default none
   */
  release: releasePin.optional(),
  /**
   * Extra add-ons billed to the app, each by a name of your choice → its
   * `service:plan`; their config vars reach the app from Heroku.
   * @example { papertrail: "papertrail:choklad", newrelic: "newrelic:wayne" }
   */
  addons: z.record(addonKey, addonPlan).optional(),
  /** The check of the health path after each release, or false for none. @default { timeoutSeconds: 300 } */
  smokeCheck: z
    .union([z.literal(false), z.strictObject({ timeoutSeconds: z.number().int().min(10).max(1800).optional() })], {
      error: "must be false, or { timeoutSeconds: 10–1800 }",
    })
    .optional(),
});

/** The three ways a database can exist; a database is exactly one of them. */
export const DATABASE_MODES = ["owner", "attach", "external"] as const;

/** A Postgres database several apps may share. Exactly one of `owner`, `attach`, `external`. */
export const databaseSchema = z
  .strictObject({
    /** The plan: its connection limit feeds the budget, its tier decides how roles are made. */
    plan: postgresPlan.optional(),
    /** The fleet app that bills the add-on; the others attach to it. */
    owner: z.string().optional(),
    /** An existing add-on billed to an app fleet does not manage. */
    attach: z.strictObject({ app: herokuAppName, addon: z.string().min(1) }).optional(),
    /** A Postgres outside Heroku (Supabase, Neon, RDS); its URL is the secret `fleet:databaseUrls.<name>`. */
    external: z.strictObject({ connectionLimit: z.number().int().min(1) }).optional(),
    /** Connections kept for users of this database that fleet does not manage. @default 0 */
    reservedConnections: z.number().int().min(0).optional(),
  })
  .superRefine((db, ctx) => {
    const modes = DATABASE_MODES.filter((m) => db[m] !== undefined);
    if (modes.length > 1) {
      ctx.addIssue({
        code: "custom",
        message: `has ${modes.join(" and ")}, but a database is exactly one of: owner (a fleet app bills its add-on), attach (an add-on billed outside fleet) or external (outside Heroku)`,
        params: { databaseModes: modes },
      });
    } else if (modes.length === 0) {
      ctx.addIssue({ code: "custom", message: "says neither owner, attach nor external: a database is exactly one of them", params: { databaseModes: [] } });
    }
    if (db.external === undefined && db.plan === undefined) {
      ctx.addIssue({ code: "custom", path: ["plan"], message: "is missing; a Heroku Postgres database needs its plan (essential-0…2, standard-N, premium-N…)" });
    }
  });

/** A Redis instance several apps may share. */
export const redisSchema = z.strictObject({
  /** The plan. */
  plan: redisPlan,
  /** The fleet app that bills the add-on; the others attach to it. */
  owner: z.string(),
});

/** The whole `fleet:` namespace of a stack, after parsing. */
export const stackConfigSchema = z.strictObject({
  /** `staging` (cheap) or `production` (protected, backed up); picks the defaults. */
  tier: z.enum(TIERS),
  /** Heroku Team that owns the apps (the name in dashboard.heroku.com/teams/<name>); personal account when empty. */
  herokuTeam: z
    .string()
    .regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, { message: "is not a Heroku Team name (lowercase letters, digits and dashes, as in dashboard.heroku.com/teams/<name>)" })
    .optional(),
  /** Heroku region. @default "us" */
  herokuRegion: z.enum(["us", "eu"]).optional(),
  /** Prefix of every Heroku app name. */
  appPrefix: z.string().regex(/^[a-z][a-z0-9-]{0,11}$/, { message: "must be 1–12 lowercase letters, digits or dashes, starting with a letter" }),
  /** Cloudflare zone (domain) the apps answer under. */
  cloudflareZone: hostname.optional(),
  /**
   * Appended to each app's subdomain so stacks sharing a zone do not collide:
   * `-staging` gives `api-staging.example.com` (one label deep, so Cloudflare's
   * edge certificate for `*.example.com` still covers it). @default ""
   */
  subdomainSuffix: z.string().regex(/^(-[a-z0-9]+)*$/, { message: "must be empty or dash-separated lowercase words, such as -staging" }).optional(),
  /** Cloudflare account id, needed for Zero Trust Access in front of admin paths. */
  cloudflareAccountId: z.string().regex(/^[0-9a-f]{32}$/, { message: "is not a Cloudflare account id (32 hex characters)" }).optional(),
  /** Whether DNS records go through Cloudflare's proxy. @default true */
  proxied: z.boolean().optional(),
  /** URL of the Cloudflare Zero Trust team (`https://<team>.cloudflareaccess.com`), where apps fetch Access's signing keys. */
  accessTeamDomain: z.url({ protocol: /^https$/, error: "must be the https:// URL of the Zero Trust team, such as https://acme.cloudflareaccess.com" }).optional(),
  /** Emails allowed through Cloudflare Access to admin paths. */
  accessEmails: z.array(z.email({ error: "is not an email address" })).optional(),
  /**
   * The stack this one promotes to: each app is coupled, as stage `staging`,
   * to the pipeline that stack's apps are in (read from its `pipelines`
   * output). Production stacks own the pipelines and set nothing here.
   * @example "production"
   */
  promoteTo: stackName.optional(),
  /** Per-app settings, keyed by app name. */
  apps: z.record(z.string(), appOverrideSchema).optional(),
  /** Shared Postgres databases, keyed by a name apps refer to. */
  databases: z.record(storeName, databaseSchema).optional(),
  /** Shared Redis instances, keyed by a name apps refer to. */
  redis: z.record(storeName, redisSchema).optional(),
});

export type StackConfig = z.infer<typeof stackConfigSchema>;
export type AppOverride = z.infer<typeof appOverrideSchema>;
export type DatabaseConfig = z.infer<typeof databaseSchema>;
export type RedisConfig = z.infer<typeof redisSchema>;

/** How each `fleet:` key is stored in Pulumi config text (objects and arrays are JSON text). */
export const FLEET_KEY_KINDS: Readonly<Record<keyof StackConfig, "string" | "json">> = {
  tier: "string",
  herokuTeam: "string",
  herokuRegion: "string",
  appPrefix: "string",
  cloudflareZone: "string",
  subdomainSuffix: "string",
  cloudflareAccountId: "string",
  proxied: "json",
  accessEmails: "json",
  accessTeamDomain: "string",
  promoteTo: "string",
  apps: "json",
  databases: "json",
  redis: "json",
};

/** Secret keys of the `fleet:` namespace (objects set with `--secret --path`). */
export const FLEET_SECRET_KEYS = {
  /** URL of each external database, by its name in `fleet:databases`. */
  databaseUrls: "databaseUrls",
  /** Log drain every app sends its logs to (`syslog+tls://…` or `https://…`). */
  logDrainUrl: "logDrainUrl",
} as const;
