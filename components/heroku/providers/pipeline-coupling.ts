/**
 * Dynamic provider of an app's place in a pipeline (`POST /pipeline-couplings`).
 * The stage changes in place; another app or pipeline replaces it, removing
 * the old coupling first (an app belongs to one pipeline).
 */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { herokuClient, seg } from "../client";
import { isGone } from "../errors";
import { checkInputs, failure, isUuid, parseProps, step, unknownDiff } from "../provider-kit";
import { couplingSchema, type CouplingBody } from "../schemas";

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
    const coupling = await step(`Coupling app ${inputs.app} to pipeline ${inputs.pipeline} (${inputs.stage})`, () =>
      api.request("POST", "/pipeline-couplings", {
        body: { app: inputs.app, pipeline: inputs.pipeline, stage: inputs.stage },
        schema: couplingSchema(),
        recover: async () => {
          try {
            const found = await api.get(`/apps/${seg(inputs.app)}/pipeline-couplings`, couplingSchema());
            return found.pipeline.id === inputs.pipeline ? found : undefined;
          } catch (error) {
            if (isGone(error)) return undefined;
            throw error;
          }
        },
        hint: "An app belongs to at most one pipeline: remove it from the other one first (heroku pipelines:remove).",
      }),
    );
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

function couplingOuts(app: string, pipeline: string, coupling: CouplingBody): PipelineCouplingOutputs {
  return { couplingId: coupling.id, app, appId: coupling.app.id, pipeline, stage: coupling.stage };
}
