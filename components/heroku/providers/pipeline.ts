/**
 * Dynamic provider of a pipeline (`POST /pipelines`). Renamed in place; a new
 * owner replaces it, deleting the old one first (names are unique).
 */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { herokuClient, seg } from "../client";
import { checkInputs, compact, failure, parseProps, step, unknownDiff } from "../provider-kit";
import { pipelineSchema, type PipelineBody } from "../schemas";

const ownerSchema = () => z.object({ id: z.string().min(1), type: z.enum(["team", "user"]) });

const pipelineInputs = () => z.object({ name: z.string().min(1), owner: ownerSchema().optional() });
export type PipelineInputs = z.infer<ReturnType<typeof pipelineInputs>>;

const pipelineOutputs = () =>
  z.object({ pipelineId: z.string(), name: z.string(), owner: ownerSchema().optional() });
export type PipelineOutputs = z.infer<ReturnType<typeof pipelineOutputs>>;

export const pipelineProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds: unknown, news: unknown) {
    return checkInputs(pipelineInputs(), news, (inputs) =>
      /^[a-z][a-z0-9-]{2,29}$/.test(inputs.name)
        ? []
        : [failure("name", `"${inputs.name}" is not a valid pipeline name: 3–30 lowercase letters, digits and dashes, a letter first.`)],
    );
  },

  async diff(_id: string, oldOutputs: unknown, newInputs: unknown) {
    const pending = unknownDiff(newInputs, ["owner"]);
    if (pending) return pending;
    const olds = parseProps("Pipeline", pipelineOutputs(), oldOutputs);
    const news = parseProps("Pipeline", pipelineInputs(), newInputs);
    const replaces = news.owner !== undefined && (news.owner.id !== olds.owner?.id || news.owner.type !== olds.owner?.type) ? ["owner"] : [];
    const changes = replaces.length > 0 || news.name !== olds.name;
    return { changes, replaces, deleteBeforeReplace: replaces.length > 0 };
  },

  async create(rawInputs: unknown) {
    const inputs = parseProps("Pipeline", pipelineInputs(), rawInputs);
    const api = herokuClient();
    const pipeline = await step(`Creating pipeline ${inputs.name}`, () =>
      api.request("POST", "/pipelines", {
        body: compact({ name: inputs.name, owner: inputs.owner }),
        schema: pipelineSchema(),
        recover: () => api.find(`/pipelines/${seg(inputs.name)}`, pipelineSchema()),
        hint: "Pipeline names are unique per account: pick another name if it is taken.",
      }),
    );
    return { id: pipeline.id, outs: pipelineOuts(pipeline) };
  },

  async read(id: string) {
    const api = herokuClient();
    const pipeline = await step(`Reading pipeline ${id}`, () => api.find(`/pipelines/${seg(id)}`, pipelineSchema()));
    return pipeline ? { id: pipeline.id, props: pipelineOuts(pipeline) } : { id: "" };
  },

  async update(id: string, _olds: unknown, newInputs: unknown) {
    const news = parseProps("Pipeline", pipelineInputs(), newInputs);
    const api = herokuClient();
    const pipeline = await step(`Renaming pipeline ${id} to ${news.name}`, () =>
      api.request("PATCH", `/pipelines/${seg(id)}`, { body: { name: news.name }, schema: pipelineSchema() }),
    );
    return { outs: pipelineOuts(pipeline) };
  },

  async delete(id: string) {
    const api = herokuClient();
    await step(`Deleting pipeline ${id}`, () => api.remove(`/pipelines/${seg(id)}`));
  },
};

function pipelineOuts(pipeline: PipelineBody): PipelineOutputs {
  const owner = pipeline.owner;
  return compact({
    pipelineId: pipeline.id,
    name: pipeline.name,
    owner: owner && (owner.type === "team" || owner.type === "user") ? { id: owner.id, type: owner.type } : undefined,
  });
}
