/**
 * The contract between an application and fleet: what `apps/<name>/deploy.ts`
 * exports. Plain data, no Pulumi: the program reads it, tests read it, and the
 * app's own env schema (the zod object its code validates at boot) comes along
 * so fleet knows every variable the app needs.
 */

/** One variable of an app's env schema: fleet parses the values it will set with it. */
export interface EnvField {
  safeParse(value: unknown): { readonly success: boolean; readonly error?: { readonly issues: readonly { readonly message: string }[] } };
}

/** What fleet needs of a zod object schema: its keys, each a field that parses one value. */
export interface EnvSchema {
  readonly shape: Readonly<Record<string, EnvField>>;
}

/** A process type in the Procfile. */
export interface ProcessSpec {
  /** The Procfile command, as it appears there (checked against the Procfile by tests). */
  readonly command: string;
  /**
   * `web` answers HTTP on $PORT; `worker` runs without a port; `release` runs on
   * each release and is never scaled.
   */
  readonly kind: "web" | "worker" | "release";
  /** Most dynos this process may run (1 for a process that must never run twice, such as a bot holding one session). */
  readonly maxQuantity?: number;
}

/** A secret fleet generates per stack with @pulumi/random and rotates by a generation number. */
export interface GeneratedSecretSpec {
  /**
   * `hex`: `bytes` random bytes as lowercase hex. `base64`: as standard base64.
   * `fernet`: a Fernet key (32 random bytes, URL-safe base64).
   */
  readonly kind: "hex" | "base64" | "fernet";
  /** Random bytes to draw (ignored for `fernet`, which is always 32). @default 32 */
  readonly bytes?: number;
  /**
   * How the value of the previous generation stays available after a rotation,
   * so tokens signed or data encrypted under it keep working:
   * - `none`: the old value is gone at once (plain identifiers).
   * - `previous-var`: the old value goes to `<KEY>_PREVIOUS`.
   * - `key-list`: the variable holds `newest,previous` (comma-separated, newest first).
   * @default "none"
   */
  readonly keepPrevious?: "none" | "previous-var" | "key-list";
  /** What the secret is for, shown by `plan`. */
  readonly description: string;
}

/** A secret the operator supplies with `pulumi config set --secret <app>:<KEY> …`. */
export interface ProvidedSecretSpec {
  /** What it is and where to get it, shown by `plan` next to the command that sets it. */
  readonly description: string;
}

/** Plain (non-secret) configuration whose value is known from the spec and the stack. */
export type PlainValue = string | ((context: AppContext) => string);

/** What a derived plain value may depend on. */
export interface AppContext {
  /** The stack: `staging` or `production`. */
  readonly stack: string;
  /** The app's public base URL without a trailing slash: the custom domain when set, else Heroku's web URL. */
  readonly publicUrl: string;
  /** Public base URL of another app of the fleet in the same stack (for apps that call each other). */
  readonly publicUrlOf: (app: string) => string;
  /** The custom hostname, when the stack gives one. */
  readonly hostname: string | undefined;
  /** The stack's DNS zone (`example.com`), when it has one: the widest domain a cookie of the app may name. */
  readonly zone: string | undefined;
  /** Audience tag of the Cloudflare Access application in front of the app's admin paths, when there is one. */
  readonly accessAudience: string | undefined;
}

/** Postgres the app needs. Which database it lands in is the stack's choice. */
export interface DatabaseSpec {
  /** The schema that holds every table of the app; the app reaches it through `search_path`. */
  readonly schema: string;
  /** Connections each dyno's pool may open at most (becomes `PG_POOL_MAX` when the budget allows). @default 5 */
  readonly poolPerDyno?: number;
}

/** Redis the app needs. */
export interface RedisSpec {
  /** Prefix of every key the app writes (ends with `:`), so apps sharing an instance never collide. */
  readonly keyPrefix: string;
  /**
   * `cache` wants an evicting instance (`allkeys-lru`); `queue` must never lose
   * keys (`noeviction`). An app that needs both keeps the safe policy.
   */
  readonly use: "cache" | "queue" | "cache-and-queue";
}

/** A Heroku Scheduler job. */
export interface ScheduledJobSpec {
  /** Logical name, unique in the app. */
  readonly name: string;
  /** The command a one-off dyno runs. */
  readonly command: string;
  /** How often: every 10 minutes, hourly or daily. */
  readonly every: "10m" | "hour" | "day";
  /** Minutes past the hour (hourly: 0, 10 … 50) or after 00:00 UTC (daily, 30-minute steps). @default 0 */
  readonly at?: number;
}

/** Where a setting's value is wrong (`[1]` → path `[1]`) and why. */
export interface SettingIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
  /** Custom issues may say the item should go (`{ remove: true }`), e.g. a duplicate. */
  readonly params?: unknown;
}

/** What fleet needs of the zod schema of a setting's value (the app's own zod, matched by shape). */
export interface SettingSchema<T> {
  safeParse(value: unknown): { readonly success: true; readonly data: T } | { readonly success: false; readonly error: { readonly issues: readonly SettingIssue[] } };
}

/** A command fleet runs once, in a one-off dyno, after the build it needs is released. */
export interface OneOffRunSpec {
  /** Unique in the app, part of the resource's name (`<app>-run-<name>`): lowercase letters, digits, dashes. */
  readonly name: string;
  /** One shell command line, run on the released slug. */
  readonly command: string;
  /** Why it runs: the same command never runs twice for one trigger; a new trigger runs it again. */
  readonly trigger: string;
}

/** What a setting's value makes fleet do. */
export interface SettingEffects {
  /** Config vars it sets (only names listed in the setting's `variables`). */
  readonly env?: Readonly<Record<string, string>>;
  /** Commands to run once each. */
  readonly runOnce?: readonly OneOffRunSpec[];
}

/**
 * A stack setting only this app has, `fleet:apps.<app>.<key>`: checked with
 * the app's own schema like every setting, and turned into config vars and
 * one-off runs. The next app-specific setting is one more entry, not a
 * change to stacks/.
 */
export interface AppSettingSpec {
  /** One line for the README and the plan. */
  readonly description: string;
  /** A valid value (a list's item for a list), as the fix of a problem writes it. @example "3228590" */
  readonly example: string;
  /** Whether the value is a list (fixes then name one index per item). */
  readonly list: boolean;
  /** Variables of the app's env schema the setting sets: fleet owns them, `config` may not set them. */
  readonly variables: readonly string[];
  /** Parses the stack's value into its effects, or says what is wrong. */
  resolve(value: unknown): { readonly ok: true; readonly effects: SettingEffects } | { readonly ok: false; readonly issues: readonly SettingIssue[] };
}

/** Builds an app setting from the zod schema of its value and what a valid value does. */
export function appSetting<T>(
  schema: SettingSchema<T>,
  spec: Omit<AppSettingSpec, "resolve"> & { readonly effects: (value: T) => SettingEffects },
): AppSettingSpec {
  const { effects, ...rest } = spec;
  return {
    ...rest,
    resolve(value) {
      const parsed = schema.safeParse(value);
      return parsed.success ? { ok: true, effects: effects(parsed.data) } : { ok: false, issues: parsed.error.issues };
    },
  };
}

/** Everything fleet needs to know to run one application. */
export interface AppSpec {
  /** The folder name under apps/, also the base of every name fleet derives. */
  readonly name: string;
  /** One line, shown by `plan`. */
  readonly description: string;
  /** Procfile process types by name. */
  readonly processes: Readonly<Record<string, ProcessSpec>>;
  /** The zod schema the app validates its environment with at boot (from `src/env.ts`). */
  readonly env: EnvSchema;
  /** Path that answers 200 when the app is healthy (web apps). */
  readonly healthPath?: string;
  /** Secrets the operator provides, by variable name. */
  readonly providedSecrets?: Readonly<Record<string, ProvidedSecretSpec>>;
  /** Secrets fleet generates, by variable name. */
  readonly generatedSecrets?: Readonly<Record<string, GeneratedSecretSpec>>;
  /**
   * Variables the build compiles in (Next.js inlines NEXT_PUBLIC_* into the
   * bundle): when their values change, fleet rebuilds instead of only
   * releasing new config.
   */
  readonly buildEnv?: readonly string[];
  /** Plain configuration, by variable name. A stack may override these. */
  readonly config?: Readonly<Record<string, PlainValue>>;
  /** Postgres, when the app has data. */
  readonly database?: DatabaseSpec;
  /** Redis, when the app caches or queues. */
  readonly redis?: RedisSpec;
  /** Heroku Scheduler jobs. */
  readonly scheduledJobs?: readonly ScheduledJobSpec[];
  /** Subdomain of the stack's zone the app answers on (`api` → `api.example.com`). */
  readonly domainPrefix?: string;
  /** Paths put behind Cloudflare Zero Trust Access (`/admin`, `/admin/metrics`). */
  readonly adminPaths?: readonly string[];
  /** Stack settings only this app has, by key (`fleet:apps.<app>.<key>`). */
  readonly settings?: Readonly<Record<string, AppSettingSpec>>;
}

/** Identity function that gives `deploy.ts` files type checking and editor help. */
export function defineApp<const T extends AppSpec>(spec: T): T {
  return spec;
}
