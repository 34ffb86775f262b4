/**
 * fleet's Pulumi program: reads the stack's configuration, checks it against
 * every app's spec, and only when nothing is wrong registers the environment.
 */
import * as pulumi from "@pulumi/pulumi";
import { assembleEnvironment } from "./assemble";
import { buildEnvironment } from "./environment";
import { formatProblems } from "./problems";
import { readRawConfig } from "./pulumi-config";
import { APP_SPECS } from "./specs";

const stack = pulumi.getStack();
const result = buildEnvironment({ stack, specs: APP_SPECS, raw: readRawConfig() });
if (!result.ok) {
  // A RunError shows its message without a stack trace: the message is the whole story.
  throw new pulumi.RunError(formatProblems(stack, result.problems));
}

/** Per app: its Heroku name, Heroku web URL and custom URL. */
export const apps = assembleEnvironment(result.model, result.parsed);
