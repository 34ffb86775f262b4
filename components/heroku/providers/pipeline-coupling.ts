/**
 * Dynamic provider of an app's place in a pipeline (`POST /pipeline-couplings`).
 * The stage changes in place; another app or pipeline replaces it, removing
 * the old coupling first (an app belongs to one pipeline). The app's coupling
 * to the same pipeline, left by a create that failed after Heroku made it, is
 * taken back (and moved to the stage asked for); a coupling to another
 * pipeline is an error naming it. A pipeline that no longer exists (deleted
 * by hand, or by the stack that owns it) is an error saying how to make it
 * again.
 */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { herokuClient, seg, type HerokuClient } from "../client";
import { checkInputs, createOrTakeBack, failure, isUuid, mineOnly, parseProps, step, unknownDiff, type Claim } from "../provider-kit";
import { couplingSchema, pipelineSchema, type CouplingBody } from "../schemas";

const STAGES = ["test", "review", "development", "staging", "production"] as const;

const couplingInputs = () => z.object({ app: z.string().min(1), pipeline: z.string().min(1), stage: z.enum(STAGES) });
export type PipelineCouplingInputs = z.infer<ReturnType<typeof couplingInputs>>;

const couplingOutputs = () =>
  z.object({ couplingId: z.string(), app: z.string(), appId: z.string(), pipeline: z.string(), stage: z.enum(STAGES) });
export type PipelineCouplingOutputs = z.infer<ReturnType<typeof couplingOutputs>>;

export const pipelineCouplingProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds: unknown, news: unknown) {
    return checkInputs(couplingInputs(), news, (inputs, unknownKeys) =>
      unknownKeys.has("pipeline") || isUuid(inputs.pipeline)
        ? []
        : [failure("pipeline", `"${inputs.pipeline}" is not a pipeline UUID: pass Pipeline.pipelineId.`)],
    );
  },

  async diff(_id: string, oldOutputs: unknown, newInputs: unknown) {
    const pending = unknownDiff(newInputs, ["app", "pipeline"]);
    if (pending) return pending;
    const olds = parseProps("PipelineCoupling", couplingOutputs(), oldOutputs);
    const news = parseProps("PipelineCoupling", couplingInputs(), newInputs);
    const replaces: string[] = [];
    if (news.app !== olds.app && news.app !== olds.appId) replaces.push("app");
    if (news.pipeline !== olds.pipeline) replaces.push("pipeline");
    const changes = replaces.length > 0 || news.stage !== olds.stage;
    return { changes, replaces, deleteBeforeReplace: replaces.length > 0 };
  },

  async create(rawInputs: unknown) {
    const inputs = parseProps("PipelineCoupling", couplingInputs(), rawInputs);
    const api = herokuClient();
    const coupling = await step(`Coupling app ${inputs.app} to pipeline ${inputs.pipeline} (${inputs.stage})`, async () => {
      if (!(await api.find(`/pipelines/${seg(inputs.pipeline)}`, pipelineSchema()))) {
        throw new Error(
          `pipeline ${inputs.pipeline} does not exist (any more). If another stack owns it (production owns the pipelines staging joins), ` +
            "run `pulumi up --refresh` on that stack to make it again, then `pulumi up` here; the coupling then follows the new pipeline.",
        );
      }
      const lookup = () => claimCoupling(api, inputs);
      const made = await createOrTakeBack(
        api,
        `coupling of app ${inputs.app}`,
        () =>
          api.request("POST", "/pipeline-couplings", {
            body: { app: inputs.app, pipeline: inputs.pipeline, stage: inputs.stage },
            schema: couplingSchema(),
            recover: mineOnly(lookup),
            hint: "An app belongs to at most one pipeline: remove it from the other one first (heroku pipelines:remove).",
          }),
        lookup,
      );
      if (made.stage === inputs.stage) return made;
      return api.request("PATCH", `/pipeline-couplings/${seg(made.id)}`, { body: { stage: inputs.stage }, schema: couplingSchema() });
    });
    return { id: coupling.id, outs: couplingOuts(inputs.app, inputs.pipeline, coupling) };
  },

  async read(id: string, props: unknown) {
    const olds = parseProps("PipelineCoupling", couplingOutputs().partial(), props);
    const api = herokuClient();
    const coupling = await step(`Reading pipeline coupling ${id}`, () => api.find(`/pipeline-couplings/${seg(id)}`, couplingSchema()));
    if (!coupling) return { id: "" };
    return { id: coupling.id, props: couplingOuts(olds.app ?? coupling.app.id, olds.pipeline ?? coupling.pipeline.id, coupling) };
  },

  async update(id: string, oldOutputs: unknown, newInputs: unknown) {
    const olds = parseProps("PipelineCoupling", couplingOutputs(), oldOutputs);
    const news = parseProps("PipelineCoupling", couplingInputs(), newInputs);
    const api = herokuClient();
    const coupling = await step(`Moving app ${olds.app} to stage ${news.stage}`, () =>
      api.request("PATCH", `/pipeline-couplings/${seg(id)}`, { body: { stage: news.stage }, schema: couplingSchema() }),
    );
    return { outs: couplingOuts(news.app, news.pipeline, coupling) };
  },

  async delete(id: string) {
    const api = herokuClient();
    await step(`Removing pipeline coupling ${id}`, () => api.remove(`/pipeline-couplings/${seg(id)}`));
  },
};

/** The app's coupling (an app has at most one): fleet's when it is to the same pipeline. */
async function claimCoupling(api: HerokuClient, inputs: PipelineCouplingInputs): Promise<Claim<CouplingBody>> {
  const found = await api.find(`/apps/${seg(inputs.app)}/pipeline-couplings`, couplingSchema());
  if (!found) return undefined;
  if (found.pipeline.id === inputs.pipeline) return { mine: found };
  return {
    theirs:
      `App ${inputs.app} is already coupled to pipeline ${found.pipeline.id} (stage ${found.stage}): ` +
      `remove it from that pipeline first (heroku pipelines:remove --app ${inputs.app}).`,
  };
}

function couplingOuts(app: string, pipeline: string, coupling: CouplingBody): PipelineCouplingOutputs {
  return { couplingId: coupling.id, app, appId: coupling.app.id, pipeline, stage: coupling.stage };
}
