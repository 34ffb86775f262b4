/**
 * Heroku as Pulumi resources: one dynamic resource per Heroku object, over
 * the Platform API (and the data API and Scheduler back end where Heroku has
 * no Platform API). Credentials and endpoints come from the environment of
 * `pulumi` at call time: HEROKU_API_KEY (required), HEROKU_API_URL,
 * HEROKU_DATA_API_URL, HEROKU_SCHEDULER_URL; FLEET_HEROKU_* tune retries,
 * timeouts and polling (see env.ts).
 *
 * This module is what the program loads: the resource classes, whose
 * providers are stubs. The providers themselves (`./providers/index`) load
 * only where the engine calls them, and in tests.
 */
export { Addon, type AddonArgs } from "./addon";
export { AddonAttachment, type AddonAttachmentArgs } from "./addon-attachment";
export { App, type AppArgs } from "./app";
export { Build, type BuildArgs } from "./build";
export { ConfigVars, type ConfigVarsArgs } from "./config-vars";
export { Domain, type DomainArgs } from "./domain";
export { Drain, type DrainArgs } from "./drain";
export { Formation, type FormationArgs, type ProcessFormation } from "./formation";
export { OneOffRun, type OneOffRunArgs } from "./one-off-run";
export { Pipeline, type PipelineArgs } from "./pipeline";
export { PipelineCoupling, type PipelineCouplingArgs } from "./pipeline-coupling";
export { PostgresBackupSchedule, type PostgresBackupScheduleArgs } from "./postgres-backup-schedule";
export { PostgresCredential, type PostgresCredentialArgs } from "./postgres-credential";
export { RedisConfig, type RedisConfigArgs } from "./redis-config";
export { SchedulerJob, type SchedulerJobArgs } from "./scheduler-job";
export { SmokeCheck, type SmokeCheckArgs } from "./smoke-check";
