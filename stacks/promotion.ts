/**
 * Promotion between stacks: which app is in which Heroku pipeline, and who
 * owns the pipeline.
 *
 * The production stack owns each app's pipeline and couples its app as
 * `production`; it publishes the pipelines' ids in its stack output
 * `pipelines`. A stack with `fleet:promoteTo: production` (staging) reads that
 * output through a StackReference and couples its app as `staging`. So:
 * - production never depends on staging (its deploy reads nothing of it), and
 *   destroying staging leaves production's pipelines as they are;
 * - staging joins exactly the pipeline production made or adopted, by id:
 *   no name that someone else's pipeline could also carry;
 * - a first deploy of staging before production couples nothing (each app
 *   is reported) and its next `pulumi up` after production's couples them.
 *
 * Apps whose build compiles stack-specific values in (`buildEnv`, such as
 * threads-web's NEXT_PUBLIC_* URLs) are in no pipeline: a staging slug
 * promoted to production would carry staging's values.
 */
import { z } from "zod";
import { pipelineName } from "../components/naming";
import type { AppSpec } from "./app-spec";
import type { Tier } from "./config-schema";
import type { PipelineModel } from "./environment-model";
import type { Problems } from "./problems";
import { configRmCommand } from "./stack-command";

/** The stack output in which a stack that owns pipelines publishes them. */
export const PIPELINES_OUTPUT = "pipelines";

/** `pipelines`: per app, the pipeline's id and name. */
export const pipelinesOutputSchema = z.record(z.string(), z.object({ id: z.string().min(1), name: z.string() }));
export type PipelinesOutput = z.infer<typeof pipelinesOutputSchema>;

/** `fleet:promoteTo` names another, non-production stack's target; production itself ends the pipeline. */
export function checkPromoteTo(stack: string, tier: Tier, promoteTo: string | undefined, problems: Problems): void {
  if (promoteTo === undefined) return;
  if (tier === "production") {
    problems.add(
      "fleet:promoteTo",
      `is ${promoteTo}, but stack ${stack} is on the production tier: production ends the pipeline (it owns it) and promotes to nothing`,
      configRmCommand(stack, "fleet:promoteTo"),
    );
  } else if (promoteTo === stack) {
    problems.add("fleet:promoteTo", `names stack ${stack} itself: a stack promotes to another one`, `${configRmCommand(stack, "fleet:promoteTo")}, or name the production stack`);
  }
}

export interface AppPipeline {
  readonly pipeline: PipelineModel | undefined;
  /** Why the app is in no pipeline although its stack has pipelines. */
  readonly note: string | undefined;
}

/** The app's place in a pipeline in this stack. */
export function pipelineFor(tier: Tier, promoteTo: string | undefined, appPrefix: string, spec: AppSpec, adopt: boolean): AppPipeline {
  const owns = tier === "production";
  if (!owns && promoteTo === undefined) return { pipeline: undefined, note: undefined };
  if ((spec.buildEnv ?? []).length > 0) {
    return {
      pipeline: undefined,
      note: `in no pipeline: its build compiles in ${(spec.buildEnv ?? []).join(", ")}, so a slug of one stack must never run in another; each stack builds its own`,
    };
  }
  if (owns) return { pipeline: { kind: "owner", name: pipelineName(appPrefix, spec.name), adopt }, note: undefined };
  return { pipeline: { kind: "member", fromStack: promoteTo! }, note: undefined };
}

export interface PromotionTargets {
  /** App → id of the pipeline it joins. */
  readonly ids: ReadonlyMap<string, string>;
  /** One line per app that joins nothing this time, with what to do. */
  readonly warnings: readonly string[];
}

/**
 * The pipelines an app of this stack joins, from the target stack's output
 * as read (undefined when that stack has not published any yet).
 */
export function promotionTargets(stack: string, fromStack: string, members: readonly string[], output: unknown): PromotionTargets {
  const ids = new Map<string, string>();
  const warnings: string[] = [];
  const parsed = output === undefined || output === null ? undefined : pipelinesOutputSchema.safeParse(output);
  if (parsed !== undefined && !parsed.success) {
    return {
      ids,
      warnings: [`stack ${fromStack}'s output '${PIPELINES_OUTPUT}' is not what fleet writes; no app of ${stack} is coupled to a pipeline. Check \`pulumi stack output ${PIPELINES_OUTPUT} --stack ${fromStack}\`.`],
    };
  }
  const published = parsed?.data ?? {};
  for (const app of members) {
    const found = published[app];
    if (found) ids.set(app, found.id);
    else {
      warnings.push(
        `${app} is not coupled to a pipeline: stack ${fromStack} has no pipeline for it yet ` +
          `(it makes one on its next \`pulumi up\`); run \`pulumi up --stack ${stack}\` again after \`pulumi up --stack ${fromStack}\`.`,
      );
    }
  }
  return { ids, warnings };
}
