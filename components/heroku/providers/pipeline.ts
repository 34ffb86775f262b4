/**
 * Dynamic provider of a pipeline (`POST /pipelines`). Renamed in place; a new
 * owner replaces it, deleting the old one first (names are unique).
 *
 * With `adoptFromApp` (an app fleet adopted rather than created), create
 * first looks for the pipeline that app is already in: found, that pipeline
 * is adopted as it is — its name, owner, other apps and settings (review
 * apps, CI) stay, fleet never renames or deletes it; not found, fleet makes
 * its own.
 *
 * A pipeline of that name is never taken over otherwise: a create whose answer
 * was lost resumes only with a pipeline made after it began, of the owner
 * asked for and with no apps yet; any other is left alone and Heroku's
 * refusal of the name stands.
 */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { herokuClient, herokuStats, seg, type HerokuClient } from "../client";
import { isRejected, messageOf } from "../errors";
import { checkInputs, compact, derivedError, failure, parseProps, step, unknownDiff } from "../provider-kit";
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
    const pipeline = await step(`Creating pipeline ${inputs.name}`, () => createPipeline(api, inputs));
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

/** How far Heroku's clock may be behind this machine's when telling a pipeline made by this create from an older one. */
const CLOCK_SKEW_MS = 60_000;

/**
 * `POST /pipelines`. After a lost answer, the pipeline of that name is this
 * create's only if it was made after the create began, has the owner asked
 * for and no app yet; the same test decides when a resend was refused because
 * the first POST had made it (the lookup after it missed it).
 */
async function createPipeline(api: HerokuClient, inputs: PipelineInputs): Promise<PipelineBody> {
  const began = Date.now();
  let answerLost = false;
  const madeByThisCreate = async (): Promise<PipelineBody | undefined> => {
    const found = await api.find(`/pipelines/${seg(inputs.name)}`, pipelineSchema());
    if (found === undefined) return undefined;
    const created = Date.parse(found.created_at ?? "");
    if (!Number.isFinite(created) || created < began - CLOCK_SKEW_MS) return undefined;
    if (inputs.owner !== undefined && (found.owner?.id !== inputs.owner.id || found.owner.type !== inputs.owner.type)) return undefined;
    const couplings = await api.list(`/pipelines/${seg(found.id)}/pipeline-couplings`, couplingSchema());
    return couplings.length === 0 ? found : undefined;
  };
  try {
    return await api.request("POST", "/pipelines", {
      body: compact({ name: inputs.name, owner: inputs.owner }),
      schema: pipelineSchema(),
      recover: () => {
        answerLost = true;
        return madeByThisCreate();
      },
      hint: `Pipeline names are unique: if ${inputs.name} is not fleet's, choose another name; fleet never takes over a pipeline it did not create.`,
    });
  } catch (error) {
    if (!isRejected(error) || !answerLost) throw error;
    let mine: PipelineBody | undefined;
    try {
      mine = await madeByThisCreate();
    } catch (lookupError) {
      throw derivedError(error, `${messageOf(error)} Looking up the pipeline of that name failed too: ${messageOf(lookupError)}`);
    }
    if (mine === undefined) throw error;
    herokuStats().recoveries++;
    api.log.info(`pipeline ${inputs.name} was made by this create (its answer was lost); resuming with it`);
    return mine;
  }
}

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
