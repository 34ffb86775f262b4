/**
 * One application on Heroku: the app, its data stores or attachments, its
 * schema in Postgres, extra add-ons, config vars, a build of its source (or
 * a pinned earlier release), the formation, scheduler jobs, commands run once
 * in one-off dynos, custom domain with its DNS record, a log drain, its place
 * in a pipeline and the smoke check of each release.
 */
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { AdminAccess } from "./cloudflare/access";
import { AppDnsRecord } from "./cloudflare/app-dns";
import {
  Addon,
  AddonAttachment,
  App,
  Build,
  ConfigVars,
  Domain,
  Drain,
  Formation,
  OneOffRun,
  Pipeline,
  PipelineCoupling,
  PostgresBackupSchedule,
  PostgresCredential,
  RedisConfig,
  SchedulerJob,
  SmokeCheck,
} from "./heroku";
import { addonName, credentialName, DATABASE_ATTACHMENT, REDIS_ATTACHMENT } from "./naming";
import { AppSchema } from "./postgres/app-schema";

/** A copy of the declared facts with only plain values (component inputs must hold no Outputs). */
function plainDeclared(declared: DeclaredFacts | undefined): Record<string, unknown> {
  return JSON.parse(JSON.stringify({ plainConfigKeys: [], ...declared })) as Record<string, unknown>;
}

/** Attachment that gives fleet the owner credential where the app itself uses its own credential. */
const ADMIN_ATTACHMENT = "FLEET_ADMIN_DATABASE";

/** The `<ATTACHMENT>_URL` value among an add-on's config vars, kept secret. */
function urlOf(configVars: pulumi.Output<Record<string, string>>, attachment: string): pulumi.Output<string> {
  return pulumi.secret(configVars.apply((vars) => vars[`${attachment}_URL`] ?? ""));
}

/** How the app reaches its Postgres database. */
export type DatabaseBinding =
  | {
      /** This app bills the add-on; others may attach to it. */
      readonly mode: "own-addon";
      /** Heroku Postgres plan. @example "standard-0" (≈ $50/month) */
      readonly plan: string;
      readonly schema: string;
      /** Standard+ plans give every app its own credential; Essential plans share the owner's. */
      readonly credentials: boolean;
      /** Hour (UTC, "00"–"23") of the daily PGBackups capture; none when undefined. */
      readonly backupHour?: string;
      /** Protect the add-on and keep it when removed from the program. @default false */
      readonly protect?: boolean;
    }
  | {
      /** Another app (of the fleet, or outside it) bills the add-on; this app attaches to it. */
      readonly mode: "attach";
      /** The add-on's id or global name. */
      readonly addon: pulumi.Input<string>;
      /** The add-on's plan, for credential support. */
      readonly plan: string;
      /** Owner connection URL (secret) for the schema and grants; read from an attachment when omitted. */
      readonly adminUrl?: pulumi.Input<string>;
      readonly schema: string;
      readonly credentials: boolean;
    }
  | {
      /** A Postgres outside Heroku; fleet makes a role and writes the app's DATABASE_URL. */
      readonly mode: "external";
      /** Admin connection URL (secret). */
      readonly adminUrl: pulumi.Input<string>;
      readonly schema: string;
    };

export type RedisBinding =
  | {
      readonly mode: "own-addon";
      /** Heroku Key-Value Store plan. @example "premium-0" (≈ $15/month) */
      readonly plan: string;
      /** `allkeys-lru` for caches, `noeviction` for queues. */
      readonly maxmemoryPolicy: string;
      readonly protect?: boolean;
    }
  | { readonly mode: "attach"; readonly addon: pulumi.Input<string> };

export interface ScheduledJob {
  readonly name: string;
  readonly command: string;
  /** Minutes between runs: 10, 60 or 1440. */
  readonly every: 10 | 60 | 1440;
  /** Minutes past the hour (hourly) or after 00:00 UTC (daily). */
  readonly at: number;
  /** Heroku Scheduler dyno size, as the dashboard names it. @example "Standard-1X" */
  readonly dynoSize: string;
}

/** A command run once per trigger in a one-off dyno, after the build is released. */
export interface OneOffRunArgs {
  /** Unique in the app: the resource is `<name>-run-<run name>`. */
  readonly name: string;
  /** @example "node dist/jobs/backfill.js --app-id 3228590" */
  readonly command: string;
  /** The same trigger never runs the command again; a new one does. @example "tracked 3228590" */
  readonly trigger: string;
  /** One-off dyno size (billed per second while it runs). @example "basic" */
  readonly size: string;
}

/** An add-on beyond the app's data stores; Heroku sets its config vars on the app. */
export interface ExtraAddon {
  /** Its name in the stack; the Heroku add-on is `<heroku app>-<name>`. @example "papertrail" */
  readonly name: string;
  /** `service:plan`. @example "papertrail:choklad" (free) */
  readonly plan: string;
  /** Protect it and keep it when removed from the program (it holds data). @default false */
  readonly protect?: boolean;
}

/** The app's place in a Heroku pipeline. */
export type PipelineBinding =
  /** This app ends the pipeline: the pipeline is made here and the app coupled as `production`. */
  | {
      readonly mode: "own";
      /** Pipeline name, 3–30 characters. */
      readonly name: string;
      /** The app was adopted: a pipeline it is already in is adopted with it. @default false */
      readonly adopt?: boolean;
    }
  /** The pipeline is another stack's: the app is coupled to it as `staging`. */
  | { readonly mode: "join"; readonly pipelineId: pulumi.Input<string> };

/** What the app's config vars may be derived from, known once the app and its edge exist. */
export interface ServiceFacts {
  /** Heroku's `web_url` without the trailing slash (carries a random suffix; read, never derived). */
  readonly webUrl: pulumi.Output<string>;
  /** The custom domain's URL when one is set, else `webUrl`. */
  readonly publicUrl: pulumi.Output<string>;
  /** Audience tag of the Cloudflare Access application in front of the admin paths, when there is one. */
  readonly accessAudience: pulumi.Output<string | undefined>;
}

export interface HerokuServiceArgs {
  /** Heroku app name (3–30 characters), from the naming module. */
  readonly herokuName: string;
  /** Adopt an existing app of that name instead of creating one. @default false */
  readonly adopt?: boolean;
  /** Heroku region. @default "us" */
  readonly region?: string;
  /** Heroku Team; personal account when undefined. */
  readonly team?: string;
  /** Folder whose deterministic archive is built on Heroku. */
  readonly sourceDir: string;
  /** Dynos per process type (the release phase is not scaled). @example { web: { size: "standard-1X", quantity: 1 } } */
  readonly formation: Readonly<Record<string, { readonly size: string; readonly quantity: number }>>;
  /** Config vars the build compiles in; a change of their values rebuilds. @default [] */
  readonly buildEnv?: readonly string[];
  /** One of the build-time values is a secret, so even the hash of them stays secret in state. @default false */
  readonly buildEnvSecret?: boolean;
  /** Variables fleet writes, given the app's URLs and edge (values may be secrets). */
  readonly configVars: (facts: ServiceFacts) => pulumi.Input<Record<string, pulumi.Input<string>>>;
  readonly database?: DatabaseBinding;
  readonly redis?: RedisBinding;
  /** Heroku Scheduler jobs; the free `scheduler:standard` add-on comes with them (runs are billed dyno time). */
  readonly scheduledJobs?: readonly ScheduledJob[];
  /** Custom hostname served through Heroku ACM. */
  readonly hostname?: string;
  /** Cloudflare zone for the hostname's record. */
  readonly dns?: { readonly zoneId: pulumi.Input<string>; readonly proxied: boolean };
  /** Paths behind Cloudflare Zero Trust Access. */
  readonly admin?: { readonly accountId?: string; readonly paths: readonly string[]; readonly allowedEmails: readonly string[] };
  /** Log drain URL (secret: it may carry a token). */
  readonly logDrainUrl?: pulumi.Input<string>;
  /** Add-ons beyond the data stores (log search, APM); each is billed at its plan's price. @default [] */
  readonly addons?: readonly ExtraAddon[];
  /** The app's place in a staging → production pipeline. @default undefined (none) */
  readonly pipeline?: PipelineBinding;
  /**
   * After each release, wait until the health path answers 200 on the app's
   * public URL (its custom domain once the certificate is issued, else its
   * herokuapp.com URL); the update fails with the last status and body otherwise.
   * @default undefined (no check)
   * @example { path: "/health", timeoutSeconds: 300 }
   */
  readonly smokeCheck?: { readonly path: string; readonly timeoutSeconds: number };
  /** Protect the app (production). @default false */
  readonly protect?: boolean;
  /** Commands run once each, after the build is released and the config vars are set. @default [] */
  readonly oneOffRuns?: readonly OneOffRunArgs[];
  /**
   * Rollback: run this earlier release's slug instead of the source's build
   * (in place; new source waits until the pin goes). @default undefined @example 41
   */
  readonly pinnedRelease?: number;
  /**
   * Facts the program decided that the resources alone do not show, recorded
   * (plain, never a secret) as the component's inputs and outputs so the
   * policy pack can check them. @default { plainConfigKeys: [] }
   */
  readonly declared?: DeclaredFacts;
}

/** What the program declares about a service, for the policy pack (see policy/). */
export interface DeclaredFacts {
  /** Config-var keys whose values come from plain configuration (the app spec or `fleet:apps.<app>.config`); the others are fleet's own values or secrets. */
  readonly plainConfigKeys: readonly string[];
  /** The database the app uses: its name in the stack, its connection limit and connections kept for users outside fleet. */
  readonly database?: { readonly store: string; readonly connectionLimit: number; readonly reservedForOthers: number };
  /** Whether the stack wants the app's DNS record proxied through Cloudflare (once its certificate is issued). */
  readonly proxied?: boolean;
}

/**
 * A fleet application on Heroku.
 *
 * @example Minimal
 * new HerokuService("hello", {
 *   herokuName: "acme-hello-stg",
 *   sourceDir: "apps/hello",
 *   formation: { web: { size: "basic", quantity: 1 } },
 *   configVars: () => ({ APP_ENV: "staging" }),
 * });
 *
 * @example With a database, a domain and a scheduled job
 * new HerokuService("reviews", {
 *   herokuName: "acme-reviews", region: "eu", team: "acme", sourceDir: "apps/steam-reviews",
 *   formation: { web: { size: "standard-1X", quantity: 2 } },
 *   configVars: ({ publicUrl }) => ({ SITE_URL: publicUrl }),
 *   database: { mode: "own-addon", plan: "standard-0", schema: "steam_reviews", credentials: true, backupHour: "02" },
 *   scheduledJobs: [{ name: "pipeline", command: "node dist/jobs/pipeline.js", every: 60, at: 0, dynoSize: "Standard-1X" }],
 *   hostname: "reviews.example.com", dns: { zoneId, proxied: true },
 * });
 */
export class HerokuService extends pulumi.ComponentResource {
  /** The Heroku app. */
  readonly app: App;
  /** Heroku app name. */
  readonly herokuName: pulumi.Output<string>;
  readonly webUrl: pulumi.Output<string>;
  /** Custom URL when a hostname is set. */
  readonly customUrl: pulumi.Output<string | undefined>;
  readonly publicUrl: pulumi.Output<string>;
  /** The Postgres add-on this app bills, for apps that attach to it. */
  readonly databaseAddon?: Addon;
  /** Owner connection URL of the database this app bills (secret). */
  readonly databaseAdminUrl?: pulumi.Output<string>;
  /** The Redis add-on this app bills. */
  readonly redisAddon?: Addon;
  readonly build: Build;
  /** The pipeline this app's stack owns (mode `own`). */
  readonly pipeline?: Pipeline;

  constructor(name: string, args: HerokuServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    const declared = plainDeclared(args.declared);
    super("fleet:heroku:HerokuService", name, declared, opts);
    const protect = args.protect ?? false;

    this.app = this.createApp(name, args, protect);
    const appId = this.app.appId;
    this.herokuName = this.app.name;
    this.webUrl = this.app.webUrl.apply((u) => u.replace(/\/+$/, ""));
    this.customUrl = pulumi.output(args.hostname ? `https://${args.hostname}` : undefined);
    this.publicUrl = args.hostname ? pulumi.output(`https://${args.hostname}`) : this.webUrl;

    const data = this.createData(name, args, appId, protect);
    this.databaseAddon = data.databaseAddon;
    this.databaseAdminUrl = data.databaseAdminUrl;
    this.redisAddon = data.redisAddon;

    const extraAddons = this.createExtraAddons(name, args, appId);
    const access = this.createAccess(name, args);
    const facts: ServiceFacts = { webUrl: this.webUrl, publicUrl: this.publicUrl, accessAudience: access ? access.audience : pulumi.output(undefined) };
    // Extra add-ons go first too: the release may read their vars at boot.
    const configVars = this.createConfigVars(name, args, appId, facts, data.configVars, [...data.ready, ...extraAddons]);
    this.build = this.createBuild(name, args, appId, configVars, [...data.ready, ...extraAddons]);
    const formation = this.createFormation(name, args, appId, this.build);
    this.createScheduler(name, args, appId, this.build);
    // The runs need the release (build or pin, config vars); the smoke check does not wait for them, nor they for it.
    this.createOneOffRuns(name, args, appId, [this.build, configVars]);
    const domain = this.createDomain(name, args, appId);
    const dns = domain && args.hostname && args.dns ? this.createDns(name, args, domain) : undefined;
    this.createDrain(name, args, appId);
    const pipeline = this.createPipeline(name, args, appId);
    if (pipeline) this.pipeline = pipeline;
    this.createSmokeCheck(name, args, appId, domain, [this.build, ...(formation ? [formation] : []), ...(dns ? [dns] : [])]);

    this.registerOutputs({ herokuName: this.herokuName, webUrl: this.webUrl, customUrl: this.customUrl, ...declared });
  }

  private createApp(name: string, args: HerokuServiceArgs, protect: boolean): App {
    return new App(
      `${name}-app`,
      {
        name: args.herokuName,
        region: args.region ?? "us",
        stack: "heroku-24",
        ...(args.team ? { team: args.team } : {}),
        acm: args.hostname !== undefined,
        features: { "runtime-dyno-metadata": true },
        adopt: args.adopt ?? false,
        configKey: name,
      },
      // An adopted app existed before fleet: removing it from the program must not destroy it.
      { parent: this, protect, retainOnDelete: protect || (args.adopt ?? false), deleteBeforeReplace: true },
    );
  }

  private createData(
    name: string,
    args: HerokuServiceArgs,
    appId: pulumi.Output<string>,
    protect: boolean,
  ): {
    databaseAddon?: Addon;
    databaseAdminUrl?: pulumi.Output<string>;
    redisAddon?: Addon;
    configVars: Record<string, pulumi.Input<string>>;
    ready: pulumi.Resource[];
  } {
    const ready: pulumi.Resource[] = [];
    const configVars: Record<string, pulumi.Input<string>> = {};
    let databaseAddon: Addon | undefined;
    let databaseAdminUrl: pulumi.Output<string> | undefined;
    const db = args.database;
    if (db) {
      const usesCredential = db.mode !== "external" && db.credentials;
      let adminUrl: pulumi.Input<string> | undefined = db.mode === "own-addon" ? undefined : db.adminUrl;
      let addonRef: pulumi.Input<string> | undefined = db.mode === "attach" ? db.addon : undefined;
      if (db.mode === "own-addon") {
        // With per-app credentials the owner's own attachment is an admin URL the app does not use.
        const attachmentName = usesCredential ? ADMIN_ATTACHMENT : DATABASE_ATTACHMENT;
        databaseAddon = new Addon(
          `${name}-postgres`,
          { app: appId, plan: `heroku-postgresql:${db.plan}`, name: addonName(args.herokuName, "postgres"), attachmentName },
          { parent: this, protect: db.protect ?? false, retainOnDelete: db.protect ?? false },
        );
        databaseAdminUrl = urlOf(databaseAddon.configVars, attachmentName);
        adminUrl = databaseAdminUrl;
        addonRef = databaseAddon.addonId;
        ready.push(databaseAddon);
        if (db.backupHour) {
          new PostgresBackupSchedule(
            `${name}-backups`,
            { addon: databaseAddon.addonId, hour: db.backupHour, timezone: "UTC", scheduleName: `${attachmentName}_URL` },
            { parent: this, dependsOn: [databaseAddon] },
          );
        }
      } else if (db.mode === "attach" && adminUrl === undefined) {
        // An add-on billed outside fleet: its default credential, attached, is how fleet manages the schema.
        const attachmentName = usesCredential ? ADMIN_ATTACHMENT : DATABASE_ATTACHMENT;
        const admin = new AddonAttachment(`${name}-${usesCredential ? "admin-" : ""}database`, { addon: db.addon, app: appId, name: attachmentName }, { parent: this });
        adminUrl = urlOf(admin.configVars, attachmentName);
        ready.push(admin);
      }

      let role: pulumi.Input<string> | undefined;
      if (usesCredential && addonRef !== undefined) {
        const credential = new PostgresCredential(
          `${name}-credential`,
          { addon: addonRef, name: credentialName(name), plan: db.plan },
          { parent: this, dependsOn: [...ready] },
        );
        role = credential.user;
        ready.push(credential);
        ready.push(
          new AddonAttachment(
            `${name}-database`,
            { addon: addonRef, app: appId, name: DATABASE_ATTACHMENT, namespace: `credential:${credentialName(name)}` },
            { parent: this, dependsOn: [credential] },
          ),
        );
      } else if (db.mode === "attach" && db.adminUrl !== undefined) {
        ready.push(new AddonAttachment(`${name}-database`, { addon: db.addon, app: appId, name: DATABASE_ATTACHMENT }, { parent: this }));
      }

      const schema = new AppSchema(
        `${name}-schema`,
        {
          databaseUrl: adminUrl ?? "",
          schema: db.schema,
          access: db.mode === "external" ? "external-role" : usesCredential ? "heroku-credential" : "default-credential",
          ...(role !== undefined ? { role } : {}),
          external: db.mode === "external",
          protect,
        },
        { parent: this, dependsOn: [...ready] },
      );
      ready.push(schema);
      if (schema.connectionUrl) configVars["DATABASE_URL"] = schema.connectionUrl;
    }

    let redisAddon: Addon | undefined;
    const redis = args.redis;
    if (redis?.mode === "own-addon") {
      redisAddon = new Addon(
        `${name}-redis`,
        { app: appId, plan: `heroku-redis:${redis.plan}`, name: addonName(args.herokuName, "redis"), attachmentName: REDIS_ATTACHMENT },
        { parent: this, protect: redis.protect ?? false, retainOnDelete: redis.protect ?? false },
      );
      new RedisConfig(`${name}-redis-config`, { addon: redisAddon.addonId, maxmemoryPolicy: redis.maxmemoryPolicy }, { parent: this });
      ready.push(redisAddon);
    } else if (redis?.mode === "attach") {
      ready.push(new AddonAttachment(`${name}-redis`, { addon: redis.addon, app: appId, name: REDIS_ATTACHMENT }, { parent: this }));
    }
    return {
      ...(databaseAddon ? { databaseAddon } : {}),
      ...(databaseAdminUrl ? { databaseAdminUrl } : {}),
      ...(redisAddon ? { redisAddon } : {}),
      configVars,
      ready,
    };
  }

  private createConfigVars(
    name: string,
    args: HerokuServiceArgs,
    appId: pulumi.Output<string>,
    facts: ServiceFacts,
    fromData: Record<string, pulumi.Input<string>>,
    dependsOn: pulumi.Resource[],
  ): ConfigVars {
    const vars = pulumi.output(args.configVars(facts)).apply((v) => ({ ...v, ...fromData }));
    return new ConfigVars(`${name}-config`, { app: appId, vars: pulumi.secret(vars) }, { parent: this, dependsOn });
  }

  /** The release phase runs migrations, so the schema and config exist before the build. */
  private createBuild(name: string, args: HerokuServiceArgs, appId: pulumi.Output<string>, config: ConfigVars, data: pulumi.Resource[]): Build {
    const names = [...(args.buildEnv ?? [])].sort();
    // A hash of public build-time values may stay out of the secret envelope of `vars`; one of a secret may not.
    const hashed =
      names.length === 0 ? undefined : config.vars.apply((vars) => createHash("sha256").update(names.map((n) => `${n}=${vars[n] ?? ""}`).join("\n")).digest("hex"));
    const buildEnvSha256 = hashed && !args.buildEnvSecret ? pulumi.unsecret(hashed) : hashed;
    const pinned = args.pinnedRelease;
    return new Build(
      `${name}-build`,
      { app: appId, sourceDir: args.sourceDir, ...(buildEnvSha256 ? { buildEnvSha256 } : {}), ...(pinned !== undefined ? { pinnedRelease: pinned } : {}) },
      // While pinned, new source must not build: a build releases its slug, which would end the rollback.
      { parent: this, dependsOn: [config, ...data], ...(pinned !== undefined ? { ignoreChanges: ["sourceSha256", "buildEnvSha256", "buildpacks"] } : {}) },
    );
  }

  /**
   * Each run waits for the release it needs (the build or pin released, the
   * config vars set) and for the run before it: one one-off dyno at a time,
   * as the connection budget counts it.
   */
  private createOneOffRuns(name: string, args: HerokuServiceArgs, appId: pulumi.Output<string>, after: pulumi.Resource[]): void {
    let previous: OneOffRun | undefined;
    for (const run of args.oneOffRuns ?? []) {
      previous = new OneOffRun(
        `${name}-run-${run.name}`,
        { app: appId, command: run.command, trigger: run.trigger, size: run.size },
        { parent: this, dependsOn: previous ? [...after, previous] : after },
      );
    }
  }

  /** Process types exist only once a build has released them. */
  private createFormation(name: string, args: HerokuServiceArgs, appId: pulumi.Output<string>, build: Build): Formation | undefined {
    if (Object.keys(args.formation).length === 0) return undefined;
    return new Formation(`${name}-formation`, { app: appId, processes: { ...args.formation } }, { parent: this, dependsOn: [build] });
  }

  /** Each extra add-on by its stack name; Heroku attaches it to the app, which sets its config vars. */
  private createExtraAddons(name: string, args: HerokuServiceArgs, appId: pulumi.Output<string>): Addon[] {
    return (args.addons ?? []).map(
      (addon) =>
        new Addon(
          `${name}-addon-${addon.name}`,
          { app: appId, plan: addon.plan, name: addonName(args.herokuName, addon.name) },
          { parent: this, protect: addon.protect ?? false, retainOnDelete: addon.protect ?? false },
        ),
    );
  }

  /**
   * Owning stack: the pipeline and the app's `production` coupling (an
   * adopted app brings the pipeline it is in, which is then never deleted).
   * Joining stack: the app's `staging` coupling to the owner's pipeline.
   */
  private createPipeline(name: string, args: HerokuServiceArgs, appId: pulumi.Output<string>): Pipeline | undefined {
    const binding = args.pipeline;
    if (!binding) return undefined;
    if (binding.mode === "join") {
      new PipelineCoupling(`${name}-coupling`, { app: appId, pipeline: binding.pipelineId, stage: "staging" }, { parent: this });
      return undefined;
    }
    const adopt = binding.adopt ?? false;
    const pipeline = new Pipeline(
      `${name}-pipeline`,
      { name: binding.name, ...(adopt ? { adoptFromApp: appId } : {}) },
      { parent: this, retainOnDelete: adopt },
    );
    new PipelineCoupling(
      `${name}-coupling`,
      { app: appId, pipeline: pipeline.pipelineId, stage: "production" },
      { parent: this, retainOnDelete: adopt },
    );
    return pipeline;
  }

  /**
   * The health path on the URL people use: the custom domain once its
   * certificate is issued (before that, HTTPS there would fail for reasons
   * that are not the release's), else the herokuapp.com URL. After the
   * build, the dynos' scale and the DNS record. It checks the release that
   * runs: a pin's while pinned, so a rollback is checked too.
   */
  private createSmokeCheck(name: string, args: HerokuServiceArgs, appId: pulumi.Output<string>, domain: Domain | undefined, after: pulumi.Resource[]): void {
    const check = args.smokeCheck;
    if (!check) return;
    const url =
      domain && args.hostname
        ? pulumi.all([domain.certificateIssued, this.webUrl]).apply(([issued, webUrl]) => (issued ? `https://${args.hostname}` : webUrl))
        : this.webUrl;
    const build = this.build;
    const releaseId = pulumi.all([build.pinReleaseId, build.releaseId]).apply(([pinned, built]) => pinned ?? built);
    const releaseVersion = pulumi.all([build.pinReleaseVersion, build.releaseVersion]).apply(([pinned, built]) => pinned ?? built);
    new SmokeCheck(
      `${name}-smoke-check`,
      { app: appId, url, path: check.path, releaseId, releaseVersion, timeoutSeconds: check.timeoutSeconds },
      { parent: this, dependsOn: after },
    );
  }

  private createScheduler(name: string, args: HerokuServiceArgs, appId: pulumi.Output<string>, build: Build): void {
    const jobs = args.scheduledJobs ?? [];
    if (jobs.length === 0) return;
    const scheduler = new Addon(`${name}-scheduler`, { app: appId, plan: "scheduler:standard" }, { parent: this });
    for (const job of jobs) {
      new SchedulerJob(
        `${name}-job-${job.name}`,
        { app: appId, command: job.command, dynoSize: job.dynoSize, every: job.every, at: job.at },
        { parent: this, dependsOn: [scheduler, build] },
      );
    }
  }

  private createDomain(name: string, args: HerokuServiceArgs, appId: pulumi.Output<string>): Domain | undefined {
    if (!args.hostname) return undefined;
    return new Domain(`${name}-domain`, { app: appId, hostname: args.hostname }, { parent: this, dependsOn: [this.app] });
  }

  /** The Heroku domain gives the DNS target, so it precedes the record. */
  private createDns(name: string, args: HerokuServiceArgs, domain: Domain): AppDnsRecord {
    const hostname = args.hostname!;
    const dns = args.dns!;
    return new AppDnsRecord(
      `${name}-dns`,
      {
        zoneId: dns.zoneId,
        hostname,
        target: domain.cname,
        proxied: dns.proxied,
        // Once issued, a certificate stays valid through a renewal in trouble: keep the proxy (and Access) on.
        acmStatus: pulumi.all([domain.acmStatus, domain.certificateIssued]).apply(([status, issued]) => (issued ? "cert issued" : status)),
      },
      { parent: this, dependsOn: [domain] },
    );
  }

  /** Access goes first: the app verifies its tokens against the application's audience tag. */
  private createAccess(name: string, args: HerokuServiceArgs): AdminAccess | undefined {
    if (!args.admin || args.admin.paths.length === 0 || !args.hostname || !args.dns) return undefined;
    return new AdminAccess(
      `${name}-access`,
      {
        ...(args.admin.accountId ? { accountId: args.admin.accountId } : {}),
        zoneId: args.dns.zoneId,
        appName: name,
        hostname: args.hostname,
        paths: [...args.admin.paths],
        allowedEmails: [...args.admin.allowedEmails],
      },
      { parent: this },
    );
  }

  private createDrain(name: string, args: HerokuServiceArgs, appId: pulumi.Output<string>): void {
    if (args.logDrainUrl === undefined) return;
    new Drain(`${name}-drain`, { app: appId, url: pulumi.secret(args.logDrainUrl) }, { parent: this });
  }
}
