/**
 * The environment model: a plain, typed description of everything one stack
 * runs, built from the app specs and the validated stack config. Components
 * read only this; nothing downstream re-reads config.
 */
import type { Budget } from "../components/postgres/connection-budget";
import type { AppSpec, GeneratedSecretSpec, PlainValue } from "./app-spec";
import type { DynoSize, Tier } from "./config-schema";
import type { TierDefaults } from "./tiers";

/** Where the value of one variable comes from. */
export type VarSource =
  /** Set by Heroku on every dyno (PORT, DYNO) or by the Node.js buildpack (NODE_ENV). */
  | "heroku"
  /** Set by Heroku's runtime-dyno-metadata feature, which fleet enables. */
  | "dyno-metadata"
  /** Set and rotated by an add-on attachment (DATABASE_URL, REDIS_URL). */
  | "addon"
  /** Computed by fleet from the stack (APP_ENV, DATABASE_SCHEMA, PG_POOL_MAX, REDIS_KEY_PREFIX). */
  | "fleet"
  /** Generated per stack by fleet, rotated by a generation number. */
  | "generated"
  /** Provided by the operator as a Pulumi secret in the app's namespace. */
  | "provided"
  /** Plain configuration from the spec or the stack. */
  | "plain";

/** Sources whose values fleet writes to the app's config vars. */
export const WRITTEN_SOURCES: ReadonlySet<VarSource> = new Set(["fleet", "generated", "provided", "plain"]);

export interface GeneratedVar {
  readonly spec: GeneratedSecretSpec;
  /** Current generation: 1 unless rotated; 0 while an adopted value is still current. */
  readonly generation: number;
  /** The operator provided the value the app already used (`<app>:<KEY>`); it is generation 0. */
  readonly adopted: boolean;
  /** `current` holds the newest key; `previous` the one before (for `_PREVIOUS` variables). */
  readonly role: "current" | "previous";
  /** The variable whose generations this follows (its own name for `current`). */
  readonly base: string;
}

export interface VarModel {
  readonly name: string;
  readonly source: VarSource;
  readonly secret: boolean;
  /** Whether the app's env schema requires it. */
  readonly required: boolean;
  /** Human description of the origin, for `plan` (`add-on heroku-postgresql:standard-0`, `euterpe:SPOTIFY_CLIENT_ID`). */
  readonly origin: string;
  /** The value, for `fleet` and `plain` sources (may depend on outputs known only after deploy). */
  readonly value?: PlainValue;
  /** The value exists only once deployed (an Access audience tag), so it cannot be checked before. */
  readonly afterDeploy?: boolean;
  /** The stack setting the value comes from (`fleet:apps.<app>.config.<VAR>`), when it is the stack's. */
  readonly setting?: string;
  readonly generated?: GeneratedVar;
  /** The provided secret's value (already a secret where it is used; never printed). */
  readonly providedKey?: string;
}

export interface ProcessModel {
  readonly type: string;
  readonly kind: "web" | "worker";
  readonly command: string;
  readonly size: DynoSize;
  readonly quantity: number;
}

export interface ScheduledJobModel {
  readonly name: string;
  readonly command: string;
  /** Minutes between runs as Heroku Scheduler counts them. */
  readonly every: 10 | 60 | 1440;
  readonly at: number;
  readonly dynoSize: string;
}

/** A command fleet runs once (per trigger) in a one-off dyno, after the app's build is released. */
export interface OneOffRunModel {
  /** Unique in the app: the resource is `<app>-run-<name>`. */
  readonly name: string;
  readonly command: string;
  readonly trigger: string;
  /** The one-off dyno's size: the app's own process size, so it never mixes dyno tiers. */
  readonly size: DynoSize;
  /** The stack setting that asks for it. */
  readonly setting: string;
}

/** How an app's connections are confined to its schema. */
export type DatabaseAccess =
  /** Essential plans: the database's one credential, confined by `search_path` and the app's own schema. */
  | "default-credential"
  /** Standard+ plans: a Heroku Postgres credential per app, granted only its schema. */
  | "heroku-credential"
  /** Postgres outside Heroku: a real role per app, granted only its schema. */
  | "external-role";

export interface AppDatabaseModel {
  /** Name of the DatabaseModel. */
  readonly store: string;
  readonly schema: string;
  readonly poolMax: number;
  readonly access: DatabaseAccess;
}

export interface AppRedisModel {
  readonly store: string;
  readonly keyPrefix: string;
}

/** An add-on the stack gives an app beyond its data stores (`fleet:apps.<app>.addons`). */
export interface ExtraAddonModel {
  /** Its name in the stack (the key); also names the Heroku add-on `<heroku app>-<name>`. */
  readonly name: string;
  /** `service:plan`. */
  readonly plan: string;
  readonly service: string;
  /** Config vars it sets on the app, when fleet knows the service; undefined until Heroku provisions it otherwise. */
  readonly configVars: readonly string[] | undefined;
  /** Protected and kept when removed (production, and it holds data). */
  readonly protect: boolean;
  /** Why it is or is not protected, in words. */
  readonly protectReason: string;
}

/** An app's place in a Heroku pipeline (staging → production promotion). */
export type PipelineModel =
  /** This stack ends the pipeline: it owns the pipeline and couples its app as `production`. */
  | { readonly kind: "owner"; readonly name: string; readonly adopt: boolean }
  /** This stack couples its app as `staging` to the pipeline stack `fromStack` owns. */
  | { readonly kind: "member"; readonly fromStack: string };

/** The check of an app's health path once a build is released. */
export interface SmokeCheckModel {
  readonly path: string;
  /** How long the app has to answer 200 after the release. */
  readonly timeoutSeconds: number;
}

export interface AppModel {
  readonly name: string;
  readonly spec: AppSpec;
  readonly description: string;
  /** Heroku app name in this stack. */
  readonly herokuName: string;
  /** An existing app is adopted by name instead of created. */
  readonly adopt: boolean;
  readonly processes: readonly ProcessModel[];
  readonly hasRelease: boolean;
  readonly domain: string | undefined;
  readonly database: AppDatabaseModel | undefined;
  readonly redis: AppRedisModel | undefined;
  readonly scheduledJobs: readonly ScheduledJobModel[];
  readonly vars: readonly VarModel[];
  readonly adminPaths: readonly string[];
  readonly healthPath: string | undefined;
  /** Folder the build uploads, relative to the project root (where Pulumi runs the program). */
  readonly sourceDir: string;
  readonly protect: boolean;
  readonly logDrain: boolean;
  /** Commands run once each (a backfill per newly tracked game). */
  readonly oneOffRuns: readonly OneOffRunModel[];
  /** Rollback: the earlier release whose slug runs instead of the source's build (`fleet:apps.<app>.release`). */
  readonly pinnedRelease: number | undefined;
  /** Extra add-ons from the stack. */
  readonly addons: readonly ExtraAddonModel[];
  /** Its place in a pipeline; undefined when it has none (see `pipelineNote`). */
  readonly pipeline: PipelineModel | undefined;
  /** Why the app is in no pipeline although its stack has pipelines. */
  readonly pipelineNote: string | undefined;
  /** Undefined for apps without a web process answering on a health path. */
  readonly smokeCheck: SmokeCheckModel | undefined;
}

export interface DatabaseModel {
  readonly name: string;
  /** `addon`: fleet provisions it on `ownerApp`; `attach`: an add-on owned outside fleet; `external`: outside Heroku. */
  readonly kind: "addon" | "attach" | "external";
  readonly plan: string | undefined;
  readonly ownerApp: string | undefined;
  readonly attach: { readonly app: string; readonly addon: string } | undefined;
  readonly connectionLimit: number;
  readonly reservedForOthers: number;
  /** Fleet apps that use it, owner first. */
  readonly users: readonly string[];
  readonly credentials: boolean;
  readonly protect: boolean;
  readonly backupHour: string | undefined;
}

export interface RedisModel {
  readonly name: string;
  readonly plan: string;
  readonly ownerApp: string;
  readonly users: readonly string[];
  readonly maxmemoryPolicy: "allkeys-lru" | "noeviction";
  readonly protect: boolean;
}

export interface EnvironmentModel {
  readonly stack: string;
  readonly tier: Tier;
  readonly defaults: TierDefaults;
  readonly heroku: { readonly team: string | undefined; readonly region: "us" | "eu"; readonly appPrefix: string };
  readonly cloudflare:
    | { readonly zone: string; readonly accountId: string | undefined; readonly proxied: boolean; readonly accessEmails: readonly string[] }
    | undefined;
  readonly apps: readonly AppModel[];
  readonly databases: readonly DatabaseModel[];
  readonly redis: readonly RedisModel[];
  readonly budgets: readonly Budget[];
  readonly logDrain: boolean;
  /** The stack this one promotes to (`fleet:promoteTo`), whose pipelines its apps join. */
  readonly promoteTo: string | undefined;
}
