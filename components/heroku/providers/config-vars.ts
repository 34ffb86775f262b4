/**
 * Dynamic provider of the config vars fleet owns on one app
 * (`PATCH /apps/{app}/config-vars`).
 *
 * - Only the keys in `vars` are fleet's; others are left alone. A key removed
 *   from `vars` is deleted (`null`) because fleet wrote it.
 * - Keys set by add-ons (`DATABASE_URL`, `<ATTACHMENT>_URL`, `REDIS_URL`…) are
 *   never written: check and create/update fail naming them.
 * - Every PATCH is a release that restarts the dynos and re-runs the release
 *   phase, so a change is one PATCH with only the keys that differ, and an
 *   unchanged map sends none.
 * - `read` reports the live values of fleet's keys and, in `unmanagedKeys`,
 *   keys nobody declared (set by hand): refresh and preview show them as
 *   drift until they are added to the stack config or unset on Heroku. fleet
 *   never deletes them.
 */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { addonOwnedKeys, type OwnedKeys } from "../addon-vars";
import { herokuClient, seg, type HerokuClient } from "../client";
import { isGone } from "../errors";
import { checkInputs, failure, isUnknown, parseProps, resolveAppId, step, unknownDiff } from "../provider-kit";
import { configVarsSchema } from "../schemas";

const configVarsInputs = () =>
  z.object({
    app: z.string().min(1),
    vars: z.record(z.string(), z.string()),
  });
export type ConfigVarsInputs = z.infer<ReturnType<typeof configVarsInputs>>;

const configVarsOutputs = () =>
  z.object({
    app: z.string(),
    appId: z.string(),
    vars: z.record(z.string(), z.string()),
    keys: z.array(z.string()),
    unmanagedKeys: z.array(z.string()),
  });
export type ConfigVarsOutputs = z.infer<ReturnType<typeof configVarsOutputs>>;

/** Why a key cannot be a config var fleet writes, or undefined when it can. */
export function configKeyProblem(key: string): string | undefined {
  if (!/^\w+$/.test(key)) return `${key} is not a valid config var name: letters, digits and underscores only.`;
  if (key.startsWith("__")) return `${key} may not begin with two underscores.`;
  if (key.startsWith("HEROKU_")) return `${key} is reserved: keys beginning with HEROKU_ belong to the platform.`;
  return undefined;
}

export const configVarsProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds: unknown, news: unknown) {
    return checkInputs(configVarsInputs(), news, async (inputs, unknownKeys) => {
      const failures: pulumi.dynamic.CheckFailure[] = [];
      for (const key of Object.keys(inputs.vars)) {
        const problem = configKeyProblem(key);
        if (problem) failures.push(failure(`vars.${key}`, problem));
      }
      // Add-on keys can be known only once the app exists; create and update check again.
      if (!unknownKeys.has("app") && !isUnknown(inputs.app)) {
        const api = herokuClient({ secrets: Object.values(inputs.vars) });
        const owned = await ownedKeysIfAppExists(api, inputs.app);
        failures.push(...addonKeyFailures(inputs.vars, owned));
      }
      return failures;
    });
  },

  async diff(_id: string, oldOutputs: unknown, newInputs: unknown) {
    const pending = unknownDiff(newInputs, ["app"]);
    if (pending) return pending;
    const olds = parseProps("ConfigVars", configVarsOutputs(), oldOutputs);
    const news = parseProps("ConfigVars", configVarsInputs(), newInputs);
    const replaces = news.app !== olds.app && news.app !== olds.appId ? ["app"] : [];
    const changed = Object.entries(news.vars).some(([key, value]) => olds.vars[key] !== value);
    const removed = olds.keys.some((key) => !Object.hasOwn(news.vars, key));
    const changes = replaces.length > 0 || changed || removed || olds.unmanagedKeys.length > 0;
    return { changes, replaces };
  },

  async create(rawInputs: unknown) {
    const inputs = parseProps("ConfigVars", configVarsInputs(), rawInputs);
    const api = herokuClient({ secrets: Object.values(inputs.vars) });
    const outs = await step(`Setting config vars ${Object.keys(inputs.vars).sort().join(", ")} on app ${inputs.app}`, async () => {
      const appId = await resolveAppId(api, inputs.app);
      return applyVars(api, appId, inputs, []);
    });
    return { id: `config-vars:${outs.appId}`, outs };
  },

  async read(id: string, props: unknown) {
    const olds = parseProps("ConfigVars", configVarsOutputs().partial(), props);
    const api = herokuClient({ secrets: Object.values(olds.vars ?? {}) });
    const appId = olds.appId ?? id.replace(/^config-vars:/, "");
    return step(`Reading config vars of app ${olds.app ?? appId}`, async () => {
      let live: Record<string, string>;
      try {
        live = await api.get(`/apps/${seg(appId)}/config-vars`, configVarsSchema(), { secretResponse: true });
      } catch (error) {
        if (isGone(error)) return { id: "" };
        throw error;
      }
      const owned = await addonOwnedKeys(api, appId);
      const keys = olds.keys ?? [];
      const outs = varsOuts(olds.app ?? appId, appId, keys, live, owned);
      return { id, props: outs };
    });
  },

  async update(_id: string, oldOutputs: unknown, newInputs: unknown) {
    const olds = parseProps("ConfigVars", configVarsOutputs(), oldOutputs);
    const news = parseProps("ConfigVars", configVarsInputs(), newInputs);
    const api = herokuClient({ secrets: [...Object.values(news.vars), ...Object.values(olds.vars)] });
    const outs = await step(`Updating config vars on app ${olds.app}`, () => applyVars(api, olds.appId, news, olds.keys));
    return { outs };
  },

  async delete(_id: string, props: unknown) {
    const olds = parseProps("ConfigVars", configVarsOutputs().partial(), props);
    if (!olds.appId || !olds.keys || olds.keys.length === 0) return;
    const appId = olds.appId;
    const keys = olds.keys;
    const api = herokuClient({ secrets: Object.values(olds.vars ?? {}) });
    await step(`Removing config vars ${keys.join(", ")} from app ${olds.app ?? appId}`, async () => {
      const live = await api.find(`/apps/${seg(appId)}/config-vars`, configVarsSchema(), { secretResponse: true });
      if (!live) return;
      const present = keys.filter((key) => Object.hasOwn(live, key));
      if (present.length === 0) return;
      await api.request("PATCH", `/apps/${seg(appId)}/config-vars`, {
        body: Object.fromEntries(present.map((key) => [key, null])),
        schema: configVarsSchema(),
        secretResponse: true,
      });
    });
  },
};

/**
 * One PATCH with the keys whose value differs and the formerly owned keys
 * that are no longer wanted; none when nothing differs.
 */
async function applyVars(api: HerokuClient, appId: string, inputs: ConfigVarsInputs, previousKeys: readonly string[]): Promise<ConfigVarsOutputs> {
  const owned = await addonOwnedKeys(api, appId);
  const clashes = addonKeyFailures(inputs.vars, owned);
  if (clashes.length > 0) throw new Error(clashes.map((c) => c.reason).join(" "));
  let live = await api.get(`/apps/${seg(appId)}/config-vars`, configVarsSchema(), { secretResponse: true });
  const patch: Record<string, string | null> = {};
  for (const [key, value] of Object.entries(inputs.vars)) if (live[key] !== value) patch[key] = value;
  for (const key of previousKeys) {
    if (!Object.hasOwn(inputs.vars, key) && Object.hasOwn(live, key) && !Object.hasOwn(owned, key)) patch[key] = null;
  }
  if (Object.keys(patch).length > 0) {
    live = await api.request("PATCH", `/apps/${seg(appId)}/config-vars`, {
      body: patch,
      schema: configVarsSchema(),
      secretResponse: true,
      hint: "Each change of config vars is a release: the dynos restart and the release phase runs again.",
    });
  }
  return varsOuts(inputs.app, appId, Object.keys(inputs.vars), live, owned);
}

async function ownedKeysIfAppExists(api: HerokuClient, app: string): Promise<OwnedKeys> {
  try {
    return await addonOwnedKeys(api, await resolveAppId(api, app));
  } catch (error) {
    if (isGone(error)) return {};
    throw error;
  }
}

function addonKeyFailures(vars: Readonly<Record<string, string>>, owned: OwnedKeys): pulumi.dynamic.CheckFailure[] {
  return Object.keys(vars)
    .filter((key) => Object.hasOwn(owned, key))
    .map((key) =>
      failure(
        `vars.${key}`,
        `${key} is set by the ${owned[key]} and rotated by Heroku; fleet never writes add-on config vars. ` +
          `Remove ${key} from the app's config in the stack (the add-on provides it).`,
      ),
    );
}

function varsOuts(
  app: string,
  appId: string,
  keys: readonly string[],
  live: Readonly<Record<string, string>>,
  owned: OwnedKeys,
): ConfigVarsOutputs {
  const mine = new Set(keys);
  const vars: Record<string, string> = {};
  for (const key of [...mine].sort()) {
    const value = live[key];
    if (value !== undefined) vars[key] = value;
  }
  const unmanagedKeys = Object.keys(live)
    .filter((key) => !mine.has(key) && !Object.hasOwn(owned, key) && !key.startsWith("HEROKU_"))
    .sort();
  return { app, appId, vars, keys: [...mine].sort(), unmanagedKeys };
}
