/**
 * fleet's Pulumi program: reads the stack's configuration, checks it against
 * every app's spec and against what the last `pulumi up` applied, and only
 * when nothing is wrong registers the environment.
 */
import * as pulumi from "@pulumi/pulumi";
import { assembleEnvironment, type AppOutputs } from "./assemble";
import { buildEnvironment } from "./environment";
import { checkAgainstLastDeployment, deploymentRecord, DEPLOYMENT_RECORD_OUTPUT, type DeploymentRecord } from "./last-deployment";
import { formatProblems } from "./problems";
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

/** `<org>/<project>/<stack>` (`organization/…` on a self-managed backend); the bare stack name, which the CLI resolves the same way, where the engine names no organization. */
function selfReferenceName(stack: string): string {
  try {
    return `${pulumi.getOrganization()}/${pulumi.getProject()}/${stack}`;
  } catch {
    return stack;
  }
}

async function main(): Promise<{ apps: Record<string, AppOutputs>; [DEPLOYMENT_RECORD_OUTPUT]: DeploymentRecord }> {
  const stack = pulumi.getStack();
  const result = buildEnvironment({ stack, specs: APP_SPECS, raw: readRawConfig() });
  // A RunError shows its message without a stack trace: the message is the whole story.
  if (!result.ok) throw new pulumi.RunError(formatProblems(stack, result.problems));
  const destructive = checkAgainstLastDeployment(result.model, await lastDeployment(stack));
  if (destructive.length > 0) throw new pulumi.RunError(formatProblems(stack, destructive));
  return {
    /** Per app: its Heroku name, Heroku web URL and custom URL. */
    apps: assembleEnvironment(result.model, result.parsed),
    [DEPLOYMENT_RECORD_OUTPUT]: deploymentRecord(result.model),
  };
}

// The Pulumi Node host calls an exported function and takes its result as the stack outputs.
export = main;
