/**
 * Dynamic provider of a Heroku Key-Value Store (Redis) setting through the
 * data API: `maxmemory-policy` and optionally `timeout`
 * (`PATCH /redis/v0/databases/{addon}/config`). There is no DELETE: removing
 * it sets the defaults back.
 */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { herokuClient, seg, type HerokuClient } from "../client";
import { isHerokuApiError } from "../errors";
import { checkInputs, compact, parseProps, step, unknownDiff } from "../provider-kit";

const POLICIES = [
  "noeviction",
  "allkeys-lru",
  "allkeys-lfu",
  "volatile-lru",
  "volatile-lfu",
  "allkeys-random",
  "volatile-random",
  "volatile-ttl",
] as const;

const redisInputs = () =>
  z.object({
    addon: z.string().min(1),
    maxmemoryPolicy: z.enum(POLICIES),
    timeout: z.number().int().min(0).optional(),
  });
export type RedisConfigInputs = z.infer<ReturnType<typeof redisInputs>>;

const redisOutputs = () =>
  z.object({
    addon: z.string(),
    maxmemoryPolicy: z.string(),
    timeout: z.number().optional(),
    manageTimeout: z.boolean(),
  });
export type RedisConfigOutputs = z.infer<ReturnType<typeof redisOutputs>>;

const setting = <S extends z.ZodType>(value: S) => z.object({ value, default: value.optional() });
const redisConfigSchema = () =>
  z.object({
    maxmemory_policy: setting(z.string()),
    timeout: setting(z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)])).optional(),
  });
type RedisConfigBody = z.infer<ReturnType<typeof redisConfigSchema>>;

export const redisConfigProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds: unknown, news: unknown) {
    return checkInputs(redisInputs(), news);
  },

  async diff(_id: string, oldOutputs: unknown, newInputs: unknown) {
    const pending = unknownDiff(newInputs, ["addon"]);
    if (pending) return pending;
    const olds = parseProps("RedisConfig", redisOutputs(), oldOutputs);
    const news = parseProps("RedisConfig", redisInputs(), newInputs);
    const replaces = news.addon !== olds.addon ? ["addon"] : [];
    const changes =
      replaces.length > 0 ||
      news.maxmemoryPolicy !== olds.maxmemoryPolicy ||
      (news.timeout !== undefined && news.timeout !== olds.timeout) ||
      (news.timeout !== undefined) !== olds.manageTimeout;
    return { changes, replaces };
  },

  async create(rawInputs: unknown) {
    const inputs = parseProps("RedisConfig", redisInputs(), rawInputs);
    const api = herokuClient();
    const outs = await step(`Configuring Redis ${inputs.addon}`, () => patchRedis(api, inputs));
    return { id: `redis-config:${inputs.addon}`, outs };
  },

  async read(id: string, props: unknown) {
    const olds = parseProps("RedisConfig", redisOutputs().partial(), props);
    const addon = olds.addon ?? id.replace(/^redis-config:/, "");
    const api = herokuClient();
    const live = await step(`Reading Redis config of ${addon}`, () =>
      api.find(`/redis/v0/databases/${seg(addon)}/config`, redisConfigSchema(), { host: "data" }),
    );
    return live ? { id, props: redisOuts(addon, live, olds.manageTimeout ?? false) } : { id: "" };
  },

  async update(_id: string, _olds: unknown, newInputs: unknown) {
    const news = parseProps("RedisConfig", redisInputs(), newInputs);
    const api = herokuClient();
    return { outs: await step(`Configuring Redis ${news.addon}`, () => patchRedis(api, news)) };
  },

  async delete(_id: string, props: unknown) {
    const olds = parseProps("RedisConfig", redisOutputs().partial(), props);
    if (!olds.addon) return;
    const addon = olds.addon;
    const api = herokuClient();
    await step(`Restoring Redis defaults of ${addon}`, async () => {
      const live = await api.find(`/redis/v0/databases/${seg(addon)}/config`, redisConfigSchema(), { host: "data" });
      if (!live) return;
      const body = compact({
        maxmemory_policy: live.maxmemory_policy.default ?? "noeviction",
        timeout: olds.manageTimeout ? (live.timeout?.default ?? 300) : undefined,
      });
      await api.request("PATCH", `/redis/v0/databases/${seg(addon)}/config`, { host: "data", body, schema: redisConfigSchema() });
    });
  },
};

async function patchRedis(api: HerokuClient, inputs: RedisConfigInputs): Promise<RedisConfigOutputs> {
  try {
    const live = await api.request("PATCH", `/redis/v0/databases/${seg(inputs.addon)}/config`, {
      host: "data",
      body: compact({ maxmemory_policy: inputs.maxmemoryPolicy, timeout: inputs.timeout }),
      schema: redisConfigSchema(),
    });
    return redisOuts(inputs.addon, live, inputs.timeout !== undefined);
  } catch (error) {
    if (isHerokuApiError(error) && error.status >= 400 && error.status < 500 && error.status !== 404 && error.status !== 429) {
      throw new Error(
        `${error.message} The add-on's plan may not allow this setting (mini plans restrict some); ` +
          `check \`heroku redis:info\` and the plan, or remove the setting from the stack config.`,
      );
    }
    throw error;
  }
}

function redisOuts(addon: string, live: RedisConfigBody, manageTimeout: boolean): RedisConfigOutputs {
  return compact({
    addon,
    maxmemoryPolicy: live.maxmemory_policy.value,
    timeout: manageTimeout ? live.timeout?.value : undefined,
    manageTimeout,
  });
}
