/**
 * fleet's Pulumi program: reads the stack's configuration, checks it against
 * every app's spec and against what the last `pulumi up` applied, and only
 * when nothing is wrong registers the environment.
 */
import * as pulumi from "@pulumi/pulumi";
import { assembleEnvironment, type AppOutputs } from "./assemble";
import { buildEnvironment } from "./environment";
import type { EnvironmentModel } from "./environment-model";
import { checkAgainstLastDeployment, deploymentRecord, DEPLOYMENT_RECORD_OUTPUT, type DeploymentRecord } from "./last-deployment";
import { formatProblems } from "./problems";
import { PIPELINES_OUTPUT, promotionTargets, type PipelinesOutput } from "./promotion";
import { readRawConfig } from "./pulumi-config";
import { APP_SPECS } from "./specs";

/**
 * What the last `pulumi up` of this very stack recorded, read through a
 * StackReference to itself (a read: it creates nothing). Undefined before the
 * first deployment that recorded it.
 */
async function lastDeployment(stack: string): Promise<unknown> {
  const self = new pulumi.StackReference("last-deployment", { name: selfReferenceName(stack) });
  return self.getOutputValue(DEPLOYMENT_RECORD_OUTPUT);
}

/**
 * The pipelines the stack this one promotes to owns, read through a
 * StackReference (a read: it creates nothing). That stack must exist
 * (`pulumi stack init`); until its first `pulumi up` it has published none,
 * and each app is reported as joining nothing this time.
 */
async function promotionPipelines(model: EnvironmentModel): Promise<ReadonlyMap<string, string>> {
  const fromStack = model.promoteTo;
  if (fromStack === undefined) return new Map();
  const members = model.apps.filter((a) => a.pipeline?.kind === "member").map((a) => a.name);
  if (members.length === 0) return new Map();
  const target = new pulumi.StackReference("promotion-target", { name: selfReferenceName(fromStack) });
  const targets = promotionTargets(model.stack, fromStack, members, await target.getOutputValue(PIPELINES_OUTPUT));
  for (const warning of targets.warnings) void pulumi.log.warn(warning);
  return targets.ids;
}

/** Per app, the pipeline this stack owns, for the stacks that promote to it. */
function ownedPipelines(apps: Record<string, AppOutputs>): pulumi.Output<PipelinesOutput> {
  const owned = Object.entries(apps).flatMap(([app, outputs]) => (outputs.pipeline ? [[app, outputs.pipeline] as const] : []));
  return pulumi.all(Object.fromEntries(owned));
}

/** `<org>/<project>/<stack>` (`organization/…` on a self-managed backend); the bare stack name, which the CLI resolves the same way, where the engine names no organization. */
function selfReferenceName(stack: string): string {
  try {
    return `${pulumi.getOrganization()}/${pulumi.getProject()}/${stack}`;
  } catch {
    return stack;
  }
}

async function main(): Promise<{
  apps: Record<string, AppOutputs>;
  [PIPELINES_OUTPUT]: pulumi.Output<PipelinesOutput>;
  [DEPLOYMENT_RECORD_OUTPUT]: DeploymentRecord;
}> {
  const stack = pulumi.getStack();
  const result = buildEnvironment({ stack, specs: APP_SPECS, raw: readRawConfig() });
  // A RunError shows its message without a stack trace: the message is the whole story.
  if (!result.ok) throw new pulumi.RunError(formatProblems(stack, result.problems));
  const destructive = checkAgainstLastDeployment(result.model, await lastDeployment(stack));
  if (destructive.length > 0) throw new pulumi.RunError(formatProblems(stack, destructive));
  const apps = assembleEnvironment(result.model, result.parsed, await promotionPipelines(result.model));
  return {
    /** Per app: its Heroku name, Heroku web URL, custom URL and the pipeline this stack owns. */
    apps,
    /** Per app, the pipeline this stack owns (empty but in a production stack): what promoting stacks join. */
    [PIPELINES_OUTPUT]: ownedPipelines(apps),
    [DEPLOYMENT_RECORD_OUTPUT]: deploymentRecord(result.model),
  };
}

// The Pulumi Node host calls an exported function and takes its result as the stack outputs.
export = main;
