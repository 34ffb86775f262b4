/**
 * Every Heroku provider, keyed by kind: what a resource's provider stub
 * (../provider-stub.ts) loads at run time in the dynamic-provider host, and
 * what tests and benchmarks drive directly.
 */
import { addonProvider } from "./addon";
import { appProvider } from "./app";
import { attachmentProvider } from "./attachment";
import { buildProvider } from "./build";
import { configVarsProvider } from "./config-vars";
import { domainProvider } from "./domain";
import { drainProvider } from "./drain";
import { formationProvider } from "./formation";
import { oneOffRunProvider } from "./one-off-run";
import { pgBackupScheduleProvider } from "./pg-backup-schedule";
import { pipelineProvider } from "./pipeline";
import { pipelineCouplingProvider } from "./pipeline-coupling";
import { postgresCredentialProvider } from "./postgres-credential";
import { redisConfigProvider } from "./redis-config";
import { schedulerJobProvider } from "./scheduler-job";
import { smokeCheckProvider } from "./smoke-check";

export const providers = {
  app: appProvider,
  addon: addonProvider,
  attachment: attachmentProvider,
  configVars: configVarsProvider,
  build: buildProvider,
  formation: formationProvider,
  domain: domainProvider,
  drain: drainProvider,
  pipeline: pipelineProvider,
  pipelineCoupling: pipelineCouplingProvider,
  schedulerJob: schedulerJobProvider,
  postgresCredential: postgresCredentialProvider,
  redisConfig: redisConfigProvider,
  pgBackupSchedule: pgBackupScheduleProvider,
  oneOffRun: oneOffRunProvider,
  smokeCheck: smokeCheckProvider,
} as const;

/** A provider's key in `providers`: what a resource's stub stores in state. */
export type ProviderKind = keyof typeof providers;
