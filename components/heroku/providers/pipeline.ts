/**
 * Dynamic provider of a pipeline (`POST /pipelines`). Renamed in place; a new
 * owner replaces it, deleting the old one first (names are unique).
 *
 * With `adoptFromApp` (an app fleet adopted rather than created), create
 * first looks for the pipeline that app is already in: found, that pipeline
 * is adopted as it is — its name, owner, other apps and settings (review
 * apps, CI) stay, fleet never renames or deletes it; not found, fleet makes
 * its own.
 */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { herokuClient, seg, type HerokuClient } from "../client";
import { checkInputs, compact, failure, parseProps, step, unknownDiff } from "../provider-kit";
import { couplingSchema, pipelineSchema, type PipelineBody } from "../schemas";

const ownerSchema = () => z.object({ id: z.string().min(1), type: z.enum(["team", "user"]) });

const pipelineInputs = () => z.object({ name: z.string().min(1), owner: ownerSchema().optional(), adoptFromApp: z.string().min(1).optional() });
export type PipelineInputs = z.infer<ReturnType<typeof pipelineInputs>>;

const pipelineOutputs = () =>
  z.object({
    pipelineId: z.string(),
    name: z.string(),
    owner: ownerSchema().optional(),
    /** The pipeline existed before fleet (its adopted app was in it): never renamed or deleted. */
    adopted: z.boolean().optional(),
  });
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
    const olds = parseProps("Pipeline", pipelineOutputs(), oldOutputs);
    // An adopted pipeline keeps its own name and owner: nothing fleet says changes it.
    if (olds.adopted) return { changes: false };
    const pending = unknownDiff(newInputs, ["owner"]);
    if (pending) return pending;
    const news = parseProps("Pipeline", pipelineInputs(), newInputs);
    const replaces = news.owner !== undefined && (news.owner.id !== olds.owner?.id || news.owner.type !== olds.owner?.type) ? ["owner"] : [];
    const changes = replaces.length > 0 || news.name !== olds.name;
    return { changes, replaces, deleteBeforeReplace: replaces.length > 0 };
  },

  async create(rawInputs: unknown) {
    const inputs = parseProps("Pipeline", pipelineInputs(), rawInputs);
    const api = herokuClient();
    if (inputs.adoptFromApp !== undefined) {
      const existing = await step(`Looking for the pipeline of app ${inputs.adoptFromApp}`, () => pipelineOfApp(api, inputs.adoptFromApp!));
      if (existing) {
        api.log.info(`app ${inputs.adoptFromApp} is already in pipeline ${existing.name}: adopting it as it is (fleet never renames or deletes it)`);
        return { id: existing.id, outs: { ...pipelineOuts(existing), adopted: true } };
      }
    }
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

  async read(id: string, props: unknown) {
    const adopted = parseProps("Pipeline", pipelineOutputs().partial(), props).adopted;
    const api = herokuClient();
    const pipeline = await step(`Reading pipeline ${id}`, () => api.find(`/pipelines/${seg(id)}`, pipelineSchema()));
    return pipeline ? { id: pipeline.id, props: { ...pipelineOuts(pipeline), ...(adopted ? { adopted } : {}) } } : { id: "" };
  },

  async update(id: string, _olds: unknown, newInputs: unknown) {
    const news = parseProps("Pipeline", pipelineInputs(), newInputs);
    const api = herokuClient();
    const pipeline = await step(`Renaming pipeline ${id} to ${news.name}`, () =>
      api.request("PATCH", `/pipelines/${seg(id)}`, { body: { name: news.name }, schema: pipelineSchema() }),
    );
    return { outs: pipelineOuts(pipeline) };
  },

  async delete(id: string, props: unknown) {
    if (parseProps("Pipeline", pipelineOutputs().partial(), props).adopted) return;
    const api = herokuClient();
    await step(`Deleting pipeline ${id}`, () => api.remove(`/pipelines/${seg(id)}`));
  },
};

/** The pipeline an app is coupled to, if any (an app is in at most one). */
async function pipelineOfApp(api: HerokuClient, app: string): Promise<PipelineBody | undefined> {
  const coupling = await api.find(`/apps/${seg(app)}/pipeline-couplings`, couplingSchema());
  return coupling ? api.get(`/pipelines/${seg(coupling.pipeline.id)}`, pipelineSchema()) : undefined;
}

function pipelineOuts(pipeline: PipelineBody): PipelineOutputs {
  const owner = pipeline.owner;
  return compact({
    pipelineId: pipeline.id,
    name: pipeline.name,
    owner: owner && (owner.type === "team" || owner.type === "user") ? { id: owner.id, type: owner.type } : undefined,
  });
}
