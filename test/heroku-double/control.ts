/**
 * What tests do to the double besides talking HTTP to it: seed objects "out
 * of band" (to test adoption), edit things by hand (to test drift), plan
 * failures, and read the state.
 */
import type { PromotionRecord } from "./domain/promotions";
import type { TransferRecord } from "./domain/transfers";
import {
  attachAddon,
  createAddon,
  deleteAddon,
  detach,
  addonVarsOf,
  type CreateAddonInput,
} from "./domain/addons";
import { createApp, deleteApp, updateApp, type CreateAppInput, type UpdateAppInput } from "./domain/apps";
import { configVarsOf, patchConfigVars, type ConfigPatch } from "./domain/config-vars";
import { createCredential, patchRedisConfig, rotateCredential, upsertBackupSchedule } from "./domain/data";
import { createDomain } from "./domain/domains";
import { releaseHeldDynos, startDyno } from "./domain/dynos";
import { createDrain } from "./domain/drains";
import { scaleFormation, type FormationUpdate } from "./domain/formation";
import { createCoupling, createPipeline } from "./domain/pipelines";
import { createRelease } from "./domain/releases";
import { createJob, validateJob, type JobAttributes } from "./domain/scheduler";
import { notFound } from "./errors";
import type {
  AddonRecord,
  AppRecord,
  AttachmentRecord,
  BackupScheduleRecord,
  BuildRecord,
  CouplingRecord,
  DomainRecord,
  DrainRecord,
  DynoRecord,
  DynoScript,
  EndedDyno,
  LogLine,
  FormationRecord,
  PgCredentialRecord,
  PipelineRecord,
  PipelineStage,
  RedisConfigRecord,
  ReleaseRecord,
  SchedulerJobRecord,
  SlugRecord,
  World,
} from "./state";

function byNameOrId<T extends { id: string }>(world: World, find: (w: World) => T | undefined, what: string): T {
  const found = find(world);
  if (!found) throw notFound(`Couldn't find that ${what}.`);
  return found;
}

/** Create things as if someone had made them in the dashboard before the program ran. */
export class Seeder {
  constructor(private readonly world: World) {}

  /** An app; `createdAt` (ISO time) backdates it, as for an app made long before the program ran. */
  app(input: CreateAppInput & { configVars?: Readonly<Record<string, string>>; maintenance?: boolean; acm?: boolean }): AppRecord {
    const app = createApp(this.world, input);
    if (input.configVars && Object.keys(input.configVars).length > 0) patchConfigVars(this.world, app, input.configVars);
    if (input.maintenance !== undefined || input.acm !== undefined) {
      updateApp(this.world, app, { maintenance: input.maintenance });
      app.acm = input.acm ?? app.acm;
    }
    return app;
  }

  /** An add-on already provisioned, its vars on the app. */
  addon(input: CreateAddonInput & { app: string }): AddonRecord {
    const addon = createAddon(this.world, this.world.app(input.app), input);
    this.world.settleKey(addon.id);
    return addon;
  }

  attachment(input: { addon: string; app: string; name?: string; namespace?: string }): AttachmentRecord {
    return attachAddon(this.world, input);
  }

  /**
   * A slug released on the app (as if built earlier), formation synced. Scale
   * with `formation` (e.g. `{web: {quantity: 2, size: "standard-2x"}}`).
   */
  deploy(input: {
    app: string;
    processTypes: Readonly<Record<string, string>>;
    formation?: Readonly<Record<string, { quantity?: number; size?: string }>>;
    version?: string;
  }): { slug: SlugRecord; release: ReleaseRecord } {
    const app = this.world.app(input.app);
    const slug: SlugRecord = {
      id: this.world.uuid(),
      appId: app.id,
      processTypes: { ...input.processTypes },
      checksum: null,
      commit: input.version ?? null,
      stack: app.buildStack,
      size: 42_000_000,
      createdAt: this.world.now(),
    };
    this.world.slugs.set(slug.id, slug);
    const release = createRelease(this.world, app, { description: `Deploy ${input.version ?? slug.id.slice(0, 8)}`, slugId: slug.id });
    this.world.settleKey(release.id);
    if (input.formation) {
      const updates: FormationUpdate[] = Object.entries(input.formation).map(([type, f]) => ({ type, quantity: f.quantity, size: f.size }));
      scaleFormation(this.world, app, updates);
    }
    return { slug, release };
  }

  domain(input: { app: string; hostname: string }): DomainRecord {
    const domain = createDomain(this.world, this.world.app(input.app), input.hostname, null);
    this.world.settleKey(domain.id);
    return domain;
  }

  drain(input: { app: string; url: string }): DrainRecord {
    return createDrain(this.world, this.world.app(input.app), input.url);
  }

  /** A pipeline; `createdAt` (ISO time) backdates it. */
  pipeline(input: { name: string; createdAt?: string }): PipelineRecord {
    const pipeline = createPipeline(this.world, input.name, null);
    if (input.createdAt === undefined) return pipeline;
    const backdated = { ...pipeline, createdAt: input.createdAt };
    this.world.pipelines.set(backdated.id, backdated);
    return backdated;
  }

  coupling(input: { app: string; pipeline: string; stage: PipelineStage }): CouplingRecord {
    const pipeline = byNameOrId(this.world, (w) => [...w.pipelines.values()].find((p) => p.id === input.pipeline || p.name === input.pipeline), "pipeline");
    return createCoupling(this.world, input.app, pipeline.id, input.stage);
  }

  /** A Scheduler job (the app needs a provisioned scheduler add-on, as in the dashboard). */
  schedulerJob(input: { app: string } & JobAttributes): SchedulerJobRecord {
    const app = this.world.app(input.app);
    return createJob(this.world, app, input);
  }

  /** An active Postgres credential. */
  pgCredential(input: { addon: string; name: string }): PgCredentialRecord {
    const credential = createCredential(this.world, this.world.addon(input.addon), input.name);
    this.world.settleKey(credential.uuid);
    return credential;
  }

  /** A one-off dyno started by someone else (`heroku run:detached`), running `script` (see `control.scriptDyno`). */
  oneOffDyno(input: { app: string; command: string } & Omit<DynoScript, "app" | "command">): DynoRecord {
    const app = this.world.app(input.app);
    this.world.planned.dynoScripts.unshift({ ...input, app: app.id, command: input.command });
    return startDyno(this.world, app, { command: input.command, attach: false, size: undefined, type: undefined, timeToLive: undefined, env: {} });
  }

  backupSchedule(input: { addon: string; hour: string; timezone: string; scheduleName: string }): BackupScheduleRecord {
    return upsertBackupSchedule(this.world, this.world.addon(input.addon), input).schedule;
  }
}

/** Change things behind the program's back, as a person in the dashboard or CLI would (drift). */
export class HandEditor {
  constructor(private readonly world: World) {}

  /** `heroku config:set` / `config:unset` (null removes): same rules, makes a release. */
  configVars(app: string, patch: ConfigPatch): ReleaseRecord | undefined {
    return patchConfigVars(this.world, this.world.app(app), patch);
  }

  app(app: string, changes: UpdateAppInput): AppRecord {
    return updateApp(this.world, this.world.app(app), changes);
  }

  feature(app: string, name: string, enabled: boolean): void {
    const record = this.world.app(app);
    if (!record.features.has(name)) throw notFound("Couldn't find that feature.");
    record.features.set(name, enabled);
  }

  acm(app: string, enabled: boolean): void {
    this.world.app(app).acm = enabled;
  }

  /** ACM's view of one domain changes (a renewal that fails its checks, say). */
  acmStatus(hostname: string, status: string, reason: string | null = null): void {
    const domain = [...this.world.domains.values()].find((d) => d.hostname === hostname);
    if (!domain) throw notFound("Couldn't find that domain.");
    domain.acmStatus = status;
    domain.acmStatusReason = reason;
  }

  deleteApp(app: string): void {
    deleteApp(this.world, this.world.app(app));
  }

  scale(app: string, updates: readonly FormationUpdate[]): FormationRecord[] {
    return scaleFormation(this.world, this.world.app(app), updates);
  }

  /** `heroku addons:destroy`, finished at once. */
  deleteAddon(addon: string): void {
    deleteAddon(this.world, this.world.addon(addon), { immediate: true });
  }

  addonPlan(addon: string, plan: string): void {
    const record = this.world.addon(addon);
    record.plan = plan.includes(":") ? (plan.split(":")[1] ?? plan) : plan;
  }

  detach(app: string, attachmentName: string): void {
    const record = this.world.app(app);
    const attachment = this.world.appAttachments(record.id).find((a) => a.name === attachmentName || a.id === attachmentName);
    if (!attachment) throw notFound("Couldn't find that add-on attachment.");
    detach(this.world, attachment);
  }

  deleteDomain(app: string, hostname: string): void {
    const record = this.world.app(app);
    for (const [id, d] of this.world.domains) if (d.appId === record.id && d.hostname === hostname) this.world.domains.delete(id);
  }

  deleteDrain(app: string, url: string): void {
    const record = this.world.app(app);
    for (const [id, d] of this.world.drains) if (d.appId === record.id && d.url === url) this.world.drains.delete(id);
  }

  couplingStage(app: string, stage: PipelineStage): void {
    const record = this.world.app(app);
    const coupling = [...this.world.couplings.values()].find((c) => c.appId === record.id);
    if (!coupling) throw notFound("Couldn't find that pipeline coupling.");
    coupling.stage = stage;
  }

  deleteCoupling(app: string): void {
    const record = this.world.app(app);
    for (const [id, c] of this.world.couplings) if (c.appId === record.id) this.world.couplings.delete(id);
  }

  schedulerJob(jobId: string, changes: Partial<JobAttributes>): SchedulerJobRecord {
    const job = this.world.schedulerJobs.get(jobId);
    if (!job) throw notFound("Couldn't find that job.");
    const next = { command: job.command, dynoSize: job.dynoSize, every: job.every, at: job.at, ...changes };
    validateJob(next);
    Object.assign(job, next);
    return job;
  }

  deleteSchedulerJob(jobId: string): void {
    this.world.schedulerJobs.delete(jobId);
  }

  redisConfig(addon: string, patch: Partial<RedisConfigRecord>): void {
    const config = this.world.redisConfigs.get(this.world.addon(addon).id);
    if (!config) throw notFound("Couldn't find that Redis database.");
    patchRedisConfig(config, patch);
  }

  rotateCredential(addon: string, name: string): void {
    const credential = this.world.pgCredentials.get(this.world.addon(addon).id)?.get(name);
    if (!credential) throw notFound(`Couldn't find credential ${name}.`);
    rotateCredential(this.world, credential);
  }

  deleteBackupSchedule(addon: string): void {
    const record = this.world.addon(addon);
    for (const [id, s] of this.world.backupSchedules) if (s.addonId === record.id) this.world.backupSchedules.delete(id);
  }
}

/** Plan outcomes of the fake platform's asynchronous work. `app` (name or id) narrows it to one app. */
export class OutcomeControl {
  constructor(private readonly world: World) {}

  failNextBuild(options: { app?: string; message?: string } = {}): void {
    this.world.planned.buildFailures.push(options);
  }

  failNextReleasePhase(options: { app?: string; message?: string } = {}): void {
    this.world.planned.releasePhaseFailures.push(options);
  }

  /** The next add-on provisioning goes `provisioning` → `deprovisioned` (a failed provision). */
  failNextAddonProvision(options: { app?: string } = {}): void {
    this.world.planned.provisionFailures.push(options);
  }

  /**
   * What the next one-off dyno (of `script.app`, running `script.command`, when
   * given) does once up: the lines it prints and how it ends. Scripts queue.
   */
  scriptDyno(script: DynoScript): void {
    this.world.planned.dynoScripts.push(script);
  }

  /** Lets the dynos a script holds (`holdAfterLines`) go on: they print the rest of their lines and end. */
  releaseDynos(): void {
    releaseHeldDynos(this.world);
  }

  /** The next one-off dyno started is named `name` (as Heroku may name a dyno like one that has ended), unless a running dyno has it. */
  nameNextDyno(name: string): void {
    this.world.planned.dynoNames.push(name);
  }

  /** The next log stream opened (of `app`, when given) drops after `afterLines` lines (0: before any). */
  cutNextLogStream(options: { app?: string; afterLines: number }): void {
    this.world.planned.logStreamCuts.push(options);
  }

  /** The next PGBackups capture of `app`'s database (or of any) fails, with `message` in its logs. */
  failNextTransfer(options: { app?: string; message?: string } = {}): void {
    this.world.planned.transferFailures.push(options);
  }

  /** Set the rate-limit bucket (and its refill per minute; 0 stops refills). */
  setRateLimit(remaining: number, refillPerMinute = this.world.rateLimit.refillPerMinute): void {
    this.world.rateLimit.remaining = remaining;
    this.world.rateLimit.refillPerMinute = refillPerMinute;
    this.world.rateLimit.refilledAt = Date.now();
  }
}

/** Read-only views of the double's state, by app name or id. */
export class StateView {
  constructor(private readonly world: World) {}

  get apps(): ReadonlyMap<string, Readonly<AppRecord>> {
    return this.world.apps;
  }
  get addons(): ReadonlyMap<string, Readonly<AddonRecord>> {
    return this.world.addons;
  }
  get attachments(): ReadonlyMap<string, Readonly<AttachmentRecord>> {
    return this.world.attachments;
  }
  get releases(): ReadonlyMap<string, Readonly<ReleaseRecord>> {
    return this.world.releases;
  }
  get builds(): ReadonlyMap<string, Readonly<BuildRecord>> {
    return this.world.builds;
  }
  get slugs(): ReadonlyMap<string, Readonly<SlugRecord>> {
    return this.world.slugs;
  }
  get domains(): ReadonlyMap<string, Readonly<DomainRecord>> {
    return this.world.domains;
  }
  get drains(): ReadonlyMap<string, Readonly<DrainRecord>> {
    return this.world.drains;
  }
  get pipelines(): ReadonlyMap<string, Readonly<PipelineRecord>> {
    return this.world.pipelines;
  }
  get couplings(): ReadonlyMap<string, Readonly<CouplingRecord>> {
    return this.world.couplings;
  }
  get schedulerJobs(): ReadonlyMap<string, Readonly<SchedulerJobRecord>> {
    return this.world.schedulerJobs;
  }
  get backupSchedules(): ReadonlyMap<string, Readonly<BackupScheduleRecord>> {
    return this.world.backupSchedules;
  }
  /** Uploaded source tarballs, by source id. */
  get sources(): ReadonlyMap<string, { readonly bytes: Buffer | null; readonly uploads: number }> {
    return this.world.sources;
  }

  /** The app, or undefined when it does not exist. */
  app(nameOrId: string): Readonly<AppRecord> | undefined {
    return this.world.findApp(nameOrId);
  }

  addon(nameOrId: string): Readonly<AddonRecord> | undefined {
    return this.world.findAddon(nameOrId);
  }

  /** All vars as `GET /apps/{app}/config-vars` shows them (user + add-on). */
  configVars(app: string): Record<string, string> {
    return configVarsOf(this.world, this.world.app(app));
  }

  /** Only the vars people set (not add-on ones). */
  userConfigVars(app: string): Record<string, string> {
    return Object.fromEntries(this.world.app(app).userConfig);
  }

  addonVars(app: string): Record<string, string> {
    return addonVarsOf(this.world, this.world.app(app));
  }

  addonsOf(app: string): Readonly<AddonRecord>[] {
    const record = this.world.app(app);
    return [...this.world.addons.values()].filter((a) => a.appId === record.id);
  }

  attachmentsOf(app: string): Readonly<AttachmentRecord>[] {
    return this.world.appAttachments(this.world.app(app).id);
  }

  releasesOf(app: string): Readonly<ReleaseRecord>[] {
    return this.world.appReleases(this.world.app(app).id);
  }

  currentRelease(app: string): Readonly<ReleaseRecord> | undefined {
    return this.world.currentRelease(this.world.app(app).id);
  }

  buildsOf(app: string): Readonly<BuildRecord>[] {
    const record = this.world.app(app);
    return [...this.world.builds.values()].filter((b) => b.appId === record.id);
  }

  formationOf(app: string): Record<string, { quantity: number; size: string; command: string }> {
    const out: Record<string, { quantity: number; size: string; command: string }> = {};
    for (const f of this.world.app(app).formation.values()) out[f.type] = { quantity: f.quantity, size: f.size, command: f.command };
    return out;
  }

  domainsOf(app: string): Readonly<DomainRecord>[] {
    const record = this.world.app(app);
    return [...this.world.domains.values()].filter((d) => d.appId === record.id && d.kind === "custom");
  }

  drainsOf(app: string): Readonly<DrainRecord>[] {
    const record = this.world.app(app);
    return [...this.world.drains.values()].filter((d) => d.appId === record.id);
  }

  couplingOf(app: string): Readonly<CouplingRecord> | undefined {
    const record = this.world.app(app);
    return [...this.world.couplings.values()].find((c) => c.appId === record.id);
  }

  schedulerJobsOf(app: string): Readonly<SchedulerJobRecord>[] {
    const record = this.world.app(app);
    return [...this.world.schedulerJobs.values()].filter((j) => j.appId === record.id);
  }

  pgCredentials(addon: string): Readonly<PgCredentialRecord>[] {
    return [...(this.world.pgCredentials.get(this.world.addon(addon).id)?.values() ?? [])];
  }

  redisConfig(addon: string): Readonly<RedisConfigRecord> | undefined {
    return this.world.redisConfigs.get(this.world.addon(addon).id);
  }

  backupSchedulesOf(addon: string): Readonly<BackupScheduleRecord>[] {
    const record = this.world.addon(addon);
    return [...this.world.backupSchedules.values()].filter((s) => s.addonId === record.id);
  }

  /** One-off dynos running (or starting) now. */
  dynosOf(app: string): Readonly<DynoRecord>[] {
    const record = this.world.app(app);
    return [...this.world.dynos.values()].filter((d) => d.appId === record.id);
  }

  /** One-off dynos of the app that have ended, oldest first, with their exit status. */
  endedDynosOf(app: string): readonly EndedDyno[] {
    const record = this.world.app(app);
    return this.world.endedDynos.filter((e) => e.dyno.appId === record.id);
  }

  /** Every one-off dyno ever started on the app (running and ended): how many times a command ran. */
  runsOf(app: string, command?: string): Readonly<DynoRecord>[] {
    const all = [...this.endedDynosOf(app).map((e) => e.dyno), ...this.dynosOf(app)];
    return command === undefined ? all : all.filter((d) => d.command === command);
  }

  /** Tailed log streams still open (a client that stopped reading must have hung up). */
  openLogStreams(): number {
    return this.world.logListeners.size;
  }

  /** The app's log as Logplex keeps it (last 1,500 lines). */
  logsOf(app: string): readonly LogLine[] {
    return this.world.logs.get(this.world.app(app).id) ?? [];
  }

  /** PGBackups transfers (captures and restores) of a database, oldest first. */
  transfersOf(addon: string): Readonly<TransferRecord>[] {
    const record = this.world.addon(addon);
    return [...this.world.transfers.values()].filter((t) => t.addonId === record.id).sort((a, b) => a.num - b.num);
  }

  /** Pipeline promotions, by id. */
  get promotions(): ReadonlyMap<string, Readonly<PromotionRecord>> {
    return this.world.promotions;
  }

  /** Labels of transitions still waiting (add-ons provisioning, builds running…). */
  pending(): string[] {
    return this.world.pendingLabels();
  }
}
