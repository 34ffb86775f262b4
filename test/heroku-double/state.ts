/**
 * Everything the double remembers, as plain typed records, plus the clock
 * that moves asynchronous things along (add-ons provisioning, builds, release
 * phases, credentials, certificates).
 *
 * Time in the double is counted in requests as well as milliseconds: a
 * transition scheduled with `{requests: 2}` happens on the second request the
 * double receives after it was scheduled, whatever the wall clock says. That
 * keeps polling tests deterministic and fast.
 */
import type { PromotionRecord } from "./domain/promotions";
import type { TransferRecord } from "./domain/transfers";
import { ApiError, notFound } from "./errors";
import { SeededRandom } from "./random";

/** When a scheduled transition becomes due: after this many further requests and this many ms (both must pass). */
export interface Delay {
  /** Requests the double must receive (on any host) after scheduling. @default 0 */
  readonly requests?: number;
  /** Milliseconds that must pass after scheduling. @default 0 */
  readonly ms?: number;
}

/** How long each asynchronous process of the fake platform takes. */
export interface Timing {
  /** Add-on `provisioning` → `provisioned`. */
  addonProvision: Delay;
  /** From `provisioned` until the add-on's config vars appear on attached apps. */
  addonConfigVars: Delay;
  /** Add-on `deprovisioning` (after DELETE) → gone (404; its name is free again). */
  addonDeprovision: Delay;
  /** Build `pending` → `succeeded`/`failed`. */
  build: Delay;
  /** Release `pending` → `succeeded`/`failed` when the slug declares a `release` process. */
  releasePhase: Delay;
  /** Postgres credential `provisioning` → `active`. */
  credentialProvision: Delay;
  /** Postgres credential `revoking` → gone (404). */
  credentialRevoke: Delay;
  /** How long the previous user/password pair stays listed (`revoking`) after a rotation. */
  credentialRotation: Delay;
  /** Domain `status` `pending` → `succeeded`. */
  domainStatus: Delay;
  /** Domain `acm_status` `pending` → `cert issued` (when ACM is on). */
  acmIssue: Delay;
  /** One-off dyno `starting` → `up`. */
  dynoBoot: Delay;
  /** Between two lines a one-off dyno prints (a script may set its own). */
  dynoLine: Delay;
  /** How long a log session's `logplex_url` may wait for its one GET before it expires (404). */
  logSessionExpiry: Delay;
  /** A PGBackups transfer (capture or restore) `pending` → finished. */
  transfer: Delay;
}

export const DEFAULT_TIMING: Timing = {
  addonProvision: { requests: 2 },
  addonConfigVars: { requests: 3 },
  addonDeprovision: { requests: 2 },
  build: { requests: 2 },
  releasePhase: { requests: 2 },
  credentialProvision: { requests: 2 },
  credentialRevoke: { requests: 1 },
  credentialRotation: { requests: 2 },
  domainStatus: { requests: 1 },
  acmIssue: { requests: 2 },
  dynoBoot: { ms: 3 },
  dynoLine: { ms: 2 },
  logSessionExpiry: { ms: 60_000 },
  transfer: { requests: 2 },
};

/** Knobs of the fake platform that tests may set when starting the double. */
export interface Settings {
  /** Page size of list endpoints when the client sends no Range. */
  pageSize: number;
  /** Largest page served, whatever the client's Range asks (set it small to force pagination). */
  maxPageSize: number;
  /** Size given to process types of an app's first deploy (Heroku: `Standard-1X` for team apps). */
  defaultDynoSize: string;
  /** Largest total size of an app's config vars in bytes. */
  configVarsMaxBytes: number;
}

export interface Account {
  readonly id: string;
  readonly email: string;
}

export interface AppRecord {
  readonly id: string;
  name: string;
  region: string;
  stack: string;
  buildStack: string;
  team: { id: string; name: string } | null;
  locked: boolean;
  internalRouting: boolean;
  maintenance: boolean;
  acm: boolean;
  /** The 12 hex characters of `https://<name>-<hex>.herokuapp.com/`. */
  webUrlHash: string;
  readonly createdAt: string;
  updatedAt: string;
  releasedAt: string | null;
  /** Vars set by users (API or hand edits); add-on vars are derived from attachments. */
  readonly userConfig: Map<string, string>;
  readonly features: Map<string, boolean>;
  readonly formation: Map<string, FormationRecord>;
  nextReleaseVersion: number;
  /** Whether a slug was ever released (the first deploy scales `web` to 1). */
  deployedOnce: boolean;
}

export interface FormationRecord {
  readonly id: string;
  readonly type: string;
  quantity: number;
  /** Canonical (capitalised) size name, e.g. `Standard-1X`. */
  size: string;
  command: string;
  readonly createdAt: string;
  updatedAt: string;
}

export type ReleaseStatus = "pending" | "succeeded" | "failed";

export interface ReleaseRecord {
  readonly id: string;
  readonly appId: string;
  readonly version: number;
  status: ReleaseStatus;
  readonly description: string;
  readonly slugId: string | null;
  readonly addonPlanNames: string[];
  /** Whether this release runs the release phase (its slug declares `release`). */
  readonly runsReleasePhase: boolean;
  /** User config vars as they were when the release was made (rollback restores them). */
  readonly userConfigSnapshot: Readonly<Record<string, string>>;
  readonly output: string[];
  readonly createdAt: string;
  updatedAt: string;
}

export interface SlugRecord {
  readonly id: string;
  readonly appId: string;
  readonly processTypes: Record<string, string>;
  readonly checksum: string | null;
  readonly commit: string | null;
  readonly stack: string;
  readonly size: number;
  readonly createdAt: string;
}

export interface SourceRecord {
  readonly id: string;
  /** Signature query value the put_url carries. */
  readonly putSignature: string;
  readonly getSignature: string;
  bytes: Buffer | null;
  /** How many PUTs reached it (a presigned URL can be overwritten). */
  uploads: number;
  readonly createdAt: string;
}

export type BuildStatus = "pending" | "succeeded" | "failed";

export interface BuildRecord {
  readonly id: string;
  readonly appId: string;
  status: BuildStatus;
  readonly sourceBlob: { url: string; checksum: string | null; version: string | null };
  readonly buildpacks: Array<{ url: string; name: string }>;
  readonly stack: string;
  readonly output: string[];
  slugId: string | null;
  releaseId: string | null;
  readonly createdAt: string;
  updatedAt: string;
}

/** `deprovisioned` right after create = provisioning failed; `deprovisioning` = being removed (then 404). */
export type AddonState = "provisioning" | "provisioned" | "deprovisioning" | "deprovisioned";

export interface AddonRecord {
  readonly id: string;
  name: string;
  /** The billing app. */
  readonly appId: string;
  readonly service: string;
  plan: string;
  state: AddonState;
  /** Whether its config vars have reached attached apps (a little after `provisioned`). */
  varsReady: boolean;
  readonly config: Record<string, string>;
  /** `RED` for HEROKU_POSTGRESQL_RED_URL; null for services without colours. */
  readonly color: string | null;
  readonly providerId: string;
  /** Connection details of data add-ons (Postgres, Redis), or the token of others. */
  readonly resource: { host: string; port: number; database: string; secret: string };
  readonly createdAt: string;
  updatedAt: string;
}

export interface AttachmentRecord {
  readonly id: string;
  readonly addonId: string;
  readonly appId: string;
  readonly name: string;
  readonly namespace: string | null;
  readonly createdAt: string;
  updatedAt: string;
}

export interface DomainRecord {
  readonly id: string;
  readonly appId: string;
  hostname: string;
  readonly kind: "heroku" | "custom";
  cname: string | null;
  status: string;
  acmStatus: string | null;
  acmStatusReason: string | null;
  sniEndpoint: string | null;
  readonly createdAt: string;
  updatedAt: string;
}

export interface DrainRecord {
  readonly id: string;
  readonly appId: string;
  readonly url: string;
  readonly token: string;
  readonly addonId: string | null;
  readonly createdAt: string;
  updatedAt: string;
}

export interface PipelineRecord {
  readonly id: string;
  name: string;
  readonly owner: { id: string; type: "team" | "user" } | null;
  readonly createdAt: string;
  updatedAt: string;
}

export type PipelineStage = "test" | "review" | "development" | "staging" | "production";

export interface CouplingRecord {
  readonly id: string;
  readonly appId: string;
  readonly pipelineId: string;
  stage: PipelineStage;
  readonly createdAt: string;
  updatedAt: string;
}

export interface SchedulerJobRecord {
  readonly id: string;
  readonly appId: string;
  command: string;
  dynoSize: string;
  every: number;
  at: number;
  readonly createdAt: string;
  updatedAt: string;
}

export type CredentialState = "provisioning" | "active" | "revoking";

export interface PgCredentialRecord {
  readonly uuid: string;
  readonly addonId: string;
  readonly name: string;
  state: CredentialState;
  user: string;
  password: string;
  /** The pair being retired by a rotation, listed as `revoking` for a while. */
  previous: { user: string; password: string } | null;
  rotations: number;
  readonly createdAt: string;
}

export interface RedisConfigRecord {
  maxmemory_policy: string;
  timeout: number;
  notify_keyspace_events: string;
}

export interface BackupScheduleRecord {
  readonly uuid: string;
  readonly addonId: string;
  name: string;
  hour: string;
  timezone: string;
  readonly retainWeeks: number;
  readonly retainMonths: number;
  readonly createdAt: string;
  updatedAt: string;
}

/** `starting` until it boots, `up` while its process runs; a one-off dyno whose process ended is gone (404). */
export type DynoState = "starting" | "up";

export interface DynoRecord {
  readonly id: string;
  readonly appId: string;
  /** `run.4520`: the process type and a number. */
  readonly name: string;
  readonly type: string;
  readonly command: string;
  /** Canonical size name, e.g. `Standard-1X`. */
  readonly size: string;
  readonly attach: boolean;
  readonly env: Readonly<Record<string, string>>;
  readonly timeToLive: number;
  /** The release the dyno runs (the app's current one when it started). */
  readonly release: { readonly id: string; readonly version: number };
  state: DynoState;
  readonly createdAt: string;
  updatedAt: string;
}

/** A one-off dyno that has ended, kept for tests (Heroku itself forgets it). */
export interface EndedDyno {
  readonly dyno: Readonly<DynoRecord>;
  /** The status its process exited with; null when it vanished without one. */
  readonly exitStatus: number | null;
  readonly endedAt: string;
}

/**
 * What the process of a one-off dyno does once up: lines it prints, then how
 * it ends. Tests queue scripts with `control.scriptDyno`; an unscripted dyno
 * prints nothing and exits 0.
 */
export interface DynoScript {
  /** Only a dyno of this app (name or id) takes the script. */
  readonly app?: string;
  /** Only a dyno whose command equals this (or matches it) takes the script. */
  readonly command?: string | RegExp;
  /** Lines the process prints to stdout, one every `lineIntervalMs`. */
  readonly output?: readonly string[];
  /** @default timing.dynoLine */
  readonly lineIntervalMs?: number;
  /**
   * The process prints this many of its lines, then waits — its dyno up,
   * printing nothing — until the test calls `control.releaseDynos()`; the
   * rest follows from then. Lets a test act while a run is surely going,
   * whatever the machine's speed. @default undefined (never waits)
   */
  readonly holdAfterLines?: number;
  /** @default 0 */
  readonly exitStatus?: number;
  /**
   * `exit`: the process exits with `exitStatus`. `memory`: the dyno manager
   * kills it for exceeding its memory (R15, SIGKILL, status 137). `vanish`:
   * the dyno disappears and Heroku logs no exit at all (a lost host).
   * @default "exit"
   */
  readonly end?: "exit" | "memory" | "vanish";
}

/** One line of an app's log as Logplex keeps it (the last 1,500 per app). */
export interface LogLine {
  readonly seq: number;
  /** `2026-11-28T21:35:54.123456+00:00`. */
  readonly at: string;
  /** `app` (the process's output) or `heroku` (the platform's own lines). */
  readonly source: "app" | "heroku";
  /** `run.4520`, `web.1`. */
  readonly dyno: string;
  readonly message: string;
}

/** A session created by `POST /apps/{app}/log-sessions`: its `logplex_url` serves one GET. */
export interface LogSessionRecord {
  readonly id: string;
  readonly appId: string;
  readonly dyno: string | null;
  readonly source: string | null;
  readonly lines: number;
  readonly tail: boolean;
  /** Set once the URL was fetched (a second GET is refused, as an expired session is). */
  used: boolean;
  readonly expiresAt: number;
  readonly createdAt: string;
}

/** A failure a test asked for: the next build / release phase / provisioning of `app` (or of any app) fails. */
export interface PlannedFailure {
  readonly app?: string;
  readonly message?: string;
}

interface PendingTransition {
  /** The id of the object the transition belongs to (seeds settle one object's transitions). */
  readonly key: string;
  readonly label: string;
  readonly dueRequest: number;
  readonly dueTime: number;
  readonly run: () => void;
}

/** Lines Logplex keeps per app (`heroku logs -n` reaches back at most this far). */
export const LOG_HISTORY = 1500;

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID_RE.test(value);
}

/**
 * The fake platform's memory. Route handlers and the test control API both
 * work on it; nothing here speaks HTTP.
 */
export class World {
  readonly ids: SeededRandom;
  readonly account: Account;
  readonly teams = new Map<string, { id: string; name: string }>();
  /** Base URLs of the double's hosts (set once its listeners are bound). */
  urls = { platform: "", data: "", scheduler: "", blob: "" };

  readonly apps = new Map<string, AppRecord>();
  readonly releases = new Map<string, ReleaseRecord>();
  readonly slugs = new Map<string, SlugRecord>();
  readonly sources = new Map<string, SourceRecord>();
  readonly builds = new Map<string, BuildRecord>();
  readonly addons = new Map<string, AddonRecord>();
  readonly attachments = new Map<string, AttachmentRecord>();
  readonly domains = new Map<string, DomainRecord>();
  readonly drains = new Map<string, DrainRecord>();
  readonly pipelines = new Map<string, PipelineRecord>();
  readonly couplings = new Map<string, CouplingRecord>();
  readonly schedulerJobs = new Map<string, SchedulerJobRecord>();
  /** Keyed by add-on id, then credential name. */
  readonly pgCredentials = new Map<string, Map<string, PgCredentialRecord>>();
  /** Keyed by add-on id. */
  readonly redisConfigs = new Map<string, RedisConfigRecord>();
  readonly backupSchedules = new Map<string, BackupScheduleRecord>();
  readonly promotions = new Map<string, PromotionRecord>();
  /** PGBackups transfers (backups and restores), by uuid. */
  readonly transfers = new Map<string, TransferRecord>();
  /** One-off dynos that are running (or starting). */
  readonly dynos = new Map<string, DynoRecord>();
  readonly endedDynos: EndedDyno[] = [];
  /** Keyed by app id: the last 1,500 lines of its log. */
  readonly logs = new Map<string, LogLine[]>();
  readonly logSessions = new Map<string, LogSessionRecord>();
  /** Open tail streams: each is told when an app's log grows. */
  readonly logListeners = new Set<(line: LogLine, appId: string) => void>();
  /** Dynos whose script holds them (by dyno id): `resume` once they wait, `released` once the test let them go. */
  readonly dynoHolds = new Map<string, { resume: (() => void) | undefined; released: boolean }>();
  private logSeq = 0;
  private lastLogMicros = 0;

  /** Appends a line to an app's log (Logplex keeps the last 1,500) and tells the open streams. */
  appendLog(appId: string, line: Omit<LogLine, "seq" | "at">): LogLine {
    // Microsecond timestamps, strictly increasing, as Logplex orders lines.
    const micros = Math.max(Date.now() * 1000, this.lastLogMicros + 1);
    this.lastLogMicros = micros;
    const iso = new Date(Math.floor(micros / 1000)).toISOString().replace(/\.\d{3}Z$/, "");
    const at = `${iso}.${String(micros % 1_000_000).padStart(6, "0")}+00:00`;
    const entry: LogLine = { ...line, seq: ++this.logSeq, at };
    const log = this.logs.get(appId) ?? [];
    log.push(entry);
    if (log.length > LOG_HISTORY) log.splice(0, log.length - LOG_HISTORY);
    this.logs.set(appId, log);
    for (const listener of this.logListeners) listener(entry, appId);
    return entry;
  }

  readonly planned = {
    buildFailures: [] as PlannedFailure[],
    releasePhaseFailures: [] as PlannedFailure[],
    provisionFailures: [] as PlannedFailure[],
    dynoScripts: [] as DynoScript[],
    /** Names the next one-off dynos take (Heroku hands out `run.NNNN` again once a dyno of that name has ended). */
    dynoNames: [] as string[],
    /** Log streams to cut after this many lines (the socket is destroyed mid-stream). */
    logStreamCuts: [] as Array<{ readonly app?: string; readonly afterLines: number }>,
    transferFailures: [] as PlannedFailure[],
  };

  /** The account's rate-limit bucket (GCRA-like: refills continuously, one token per request). */
  readonly rateLimit = { remaining: 4500, capacity: 4500, refillPerMinute: 75, refilledAt: Date.now() };

  rateLimitRemaining(): number {
    const now = Date.now();
    const refill = ((now - this.rateLimit.refilledAt) / 60_000) * this.rateLimit.refillPerMinute;
    if (refill >= 1) {
      this.rateLimit.remaining = Math.min(this.rateLimit.capacity, this.rateLimit.remaining + Math.floor(refill));
      this.rateLimit.refilledAt = now;
    }
    return this.rateLimit.remaining;
  }

  /** Take one token; false when the bucket is empty. */
  consumeRateLimit(): boolean {
    if (this.rateLimitRemaining() <= 0) return false;
    this.rateLimit.remaining--;
    return true;
  }

  /** Requests received so far (the request clock). */
  requestCount = 0;
  private pending: PendingTransition[] = [];

  constructor(
    seed: number,
    readonly timing: Timing,
    readonly settings: Settings,
    teams: readonly string[],
  ) {
    this.ids = new SeededRandom(seed);
    this.account = { id: this.ids.uuid(), email: "fleet-ci@example.com" };
    for (const name of teams) this.teams.set(name, { id: this.ids.uuid(), name });
  }

  now(): string {
    return new Date().toISOString();
  }

  uuid(): string {
    return this.ids.uuid();
  }

  // ---- the clock -----------------------------------------------------------

  schedule(delay: Delay, key: string, label: string, run: () => void): void {
    this.pending.push({
      key,
      label,
      dueRequest: this.requestCount + (delay.requests ?? 0),
      dueTime: Date.now() + (delay.ms ?? 0),
      run,
    });
  }

  /** Run every transition that is due; returns how many ran. */
  advance(): number {
    let ran = 0;
    for (;;) {
      const now = Date.now();
      const index = this.pending.findIndex((p) => p.dueRequest <= this.requestCount && p.dueTime <= now);
      if (index < 0) return ran;
      const [due] = this.pending.splice(index, 1);
      due?.run();
      ran++;
    }
  }

  /** Run every pending transition now, including those they schedule. */
  settle(): number {
    let ran = 0;
    while (this.pending.length > 0) {
      if (ran > 10_000) throw new Error("the double's transitions do not settle");
      const next = this.pending.shift();
      next?.run();
      ran++;
    }
    return ran;
  }

  /** Run the pending transitions of one object now (and those they schedule for it). */
  settleKey(key: string): void {
    for (let guard = 0; guard < 1000; guard++) {
      const index = this.pending.findIndex((p) => p.key === key);
      if (index < 0) return;
      const [next] = this.pending.splice(index, 1);
      next?.run();
    }
    throw new Error(`transitions of ${key} do not settle`);
  }

  pendingLabels(): string[] {
    return this.pending.map((p) => p.label);
  }

  takePlannedFailure(list: PlannedFailure[], app: AppRecord): PlannedFailure | undefined {
    const index = list.findIndex((f) => f.app === undefined || f.app === app.name || f.app === app.id);
    if (index < 0) return undefined;
    return list.splice(index, 1)[0];
  }

  // ---- lookups (404 like the API) ------------------------------------------

  findApp(idOrName: string): AppRecord | undefined {
    const byId = this.apps.get(idOrName);
    if (byId) return byId;
    for (const app of this.apps.values()) if (app.name === idOrName) return app;
    return undefined;
  }

  app(idOrName: string): AppRecord {
    const app = this.findApp(idOrName);
    if (!app) throw notFound("Couldn't find that app.");
    return app;
  }

  findAddon(idOrName: string): AddonRecord | undefined {
    const byId = this.addons.get(idOrName);
    if (byId) return byId;
    for (const addon of this.addons.values()) if (addon.name === idOrName) return addon;
    return undefined;
  }

  addon(idOrName: string): AddonRecord {
    const addon = this.findAddon(idOrName);
    if (!addon) throw notFound("Couldn't find that add-on.");
    return addon;
  }

  appAttachments(appId: string): AttachmentRecord[] {
    return [...this.attachments.values()].filter((a) => a.appId === appId);
  }

  addonAttachments(addonId: string): AttachmentRecord[] {
    return [...this.attachments.values()].filter((a) => a.addonId === addonId);
  }

  appReleases(appId: string): ReleaseRecord[] {
    return [...this.releases.values()].filter((r) => r.appId === appId).sort((a, b) => a.version - b.version);
  }

  /** The release running now: the newest that succeeded (a failed release phase leaves the old one current). */
  currentRelease(appId: string): ReleaseRecord | undefined {
    return this.appReleases(appId)
      .filter((r) => r.status === "succeeded")
      .at(-1);
  }

  currentSlug(appId: string): SlugRecord | undefined {
    for (const release of this.appReleases(appId).filter((r) => r.status === "succeeded").reverse()) {
      if (release.slugId) return this.slugs.get(release.slugId);
    }
    return undefined;
  }

  /**
   * A slug as the app sees it: its own, or another app's that one of its
   * releases runs (a slug promoted to it through a pipeline); undefined
   * otherwise, as Heroku answers 404 for a slug the app cannot see.
   */
  slugSeenBy(appId: string, slugId: string): SlugRecord | undefined {
    const slug = this.slugs.get(slugId);
    if (!slug) return undefined;
    return slug.appId === appId || this.appReleases(appId).some((r) => r.slugId === slug.id) ? slug : undefined;
  }

  /** Guard used by every write that names an app which must be unique. */
  assertAppNameFree(name: string, exceptId?: string): void {
    for (const app of this.apps.values()) {
      if (app.name === name && app.id !== exceptId) throw new ApiError(422, "invalid_params", "Name is already taken");
    }
  }
}
