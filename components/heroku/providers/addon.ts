/**
 * Dynamic provider of a Heroku add-on (`POST /apps/{app}/addons`).
 *
 * Creation waits until the add-on is `provisioned` (polling slowly: every
 * poll costs a rate-limit token) and then until its config vars have reached
 * the app, so dependants read a working `DATABASE_URL`. A plan change within
 * the same service is made in place; another service, app, attachment name or
 * creation config replaces it (deleting first when its name would clash).
 * When its name (or attachment name) is taken by an add-on of the same
 * service billed to the same app — left by a create that failed after Heroku
 * made it — that add-on is taken back; any other holder is an error naming it.
 */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { herokuClient, seg, type HerokuClient } from "../client";
import { pollInterval, waitTimeout } from "../env";
import { isPollFailed, isPollTimeout, pollUntil } from "../poll";
import {
  checkInputs,
  compact,
  createOrTakeBack,
  failure,
  mineOnly,
  parseProps,
  resourceInitError,
  sameStringMap,
  splitPlan,
  step,
  unknownDiff,
  type Claim,
} from "../provider-kit";
import { addonSchema, attachmentSchema, configVarsSchema, type AddonBody } from "../schemas";

const addonInputs = () =>
  z.object({
    app: z.string().min(1),
    plan: z.string().min(1),
    name: z.string().min(1).optional(),
    attachmentName: z.string().min(1).optional(),
    config: z.record(z.string(), z.string()).optional(),
  });
export type AddonInputs = z.infer<ReturnType<typeof addonInputs>>;

const addonOutputs = () =>
  z.object({
    app: z.string(),
    appId: z.string(),
    addonId: z.string(),
    name: z.string(),
    plan: z.string(),
    requestedName: z.string().optional(),
    attachmentName: z.string().optional(),
    config: z.record(z.string(), z.string()).optional(),
    state: z.string(),
    configVarNames: z.array(z.string()),
    configVars: z.record(z.string(), z.string()),
  });
export type AddonOutputs = z.infer<ReturnType<typeof addonOutputs>>;

const PROVISION_POLL_MS = 5_000;
const PROVISION_TIMEOUT_MS = 30 * 60_000;
const VARS_TIMEOUT_MS = 5 * 60_000;

export const addonProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds: unknown, news: unknown) {
    return checkInputs(addonInputs(), news, (inputs) => {
      const failures: pulumi.dynamic.CheckFailure[] = [];
      if (!/^[a-z0-9][a-z0-9-]*:[a-z0-9][a-z0-9-]*$/.test(inputs.plan)) {
        failures.push(failure("plan", `"${inputs.plan}" is not a plan: use service:plan, e.g. heroku-postgresql:essential-0.`));
      }
      if (inputs.name !== undefined && !/^[a-zA-Z][A-Za-z0-9_-]+$/.test(inputs.name)) {
        failures.push(failure("name", `"${inputs.name}" is not a valid add-on name: a letter, then letters, digits, _ or -.`));
      }
      if (inputs.attachmentName !== undefined && !/^[A-Z][A-Z0-9_]*$/.test(inputs.attachmentName)) {
        failures.push(
          failure("attachmentName", `"${inputs.attachmentName}" is not a valid attachment name: uppercase letters, digits and _.`),
        );
      }
      return failures;
    });
  },

  async diff(_id: string, oldOutputs: unknown, newInputs: unknown) {
    const pending = unknownDiff(newInputs, ["app", "attachmentName", "config"]);
    if (pending) return pending;
    const olds = parseProps("Addon", addonOutputs(), oldOutputs);
    const news = parseProps("Addon", addonInputs(), newInputs);
    const replaces: string[] = [];
    if (news.app !== olds.app && news.app !== olds.appId) replaces.push("app");
    if (splitPlan(news.plan).service !== splitPlan(olds.plan).service) replaces.push("plan");
    if ((news.attachmentName ?? "") !== (olds.attachmentName ?? "")) replaces.push("attachmentName");
    if (!sameStringMap(news.config ?? {}, olds.config ?? {})) replaces.push("config");
    const changes = [...replaces];
    if (news.plan !== olds.plan && !replaces.includes("plan")) changes.push("plan");
    if (news.name !== undefined && news.name !== olds.name) changes.push("name");
    const clashes = news.name !== undefined || news.attachmentName !== undefined;
    return { changes: changes.length > 0, replaces, deleteBeforeReplace: replaces.length > 0 && clashes };
  },

  async create(rawInputs: unknown) {
    const inputs = parseProps("Addon", addonInputs(), rawInputs);
    const api = herokuClient({ secrets: Object.values(inputs.config ?? {}) });
    const what = `Creating add-on ${inputs.name ?? inputs.plan} on app ${inputs.app}`;
    const addon = await step(what, () => createAddon(api, inputs));
    const outs = await step(what, () => waitUntilUsable(api, addon, inputs));
    return { id: outs.addonId, outs };
  },

  async read(id: string, props: unknown) {
    const olds = parseProps("Addon", addonOutputs().partial(), props);
    const api = herokuClient({ secrets: Object.values(olds.configVars ?? {}) });
    return step(`Reading add-on ${olds.name ?? id}`, async () => {
      const addon = await api.find(`/addons/${seg(id)}`, addonSchema());
      if (!addon || addon.state === "deprovisioned" || addon.state === "deprovisioning") return { id: "" };
      const vars = await api.get(`/apps/${seg(addon.app.id)}/config-vars`, configVarsSchema(), { secretResponse: true });
      // The vars it set when created; later attachments to the same app add theirs to config_vars (their own resources report them).
      const names = olds.configVarNames ?? addon.config_vars ?? [];
      const outs = addonOuts(addon, inputsFromOutputs(olds, addon), names, pick(vars, names));
      return { id: addon.id, props: outs };
    });
  },

  async update(id: string, oldOutputs: unknown, newInputs: unknown) {
    const olds = parseProps("Addon", addonOutputs(), oldOutputs);
    const news = parseProps("Addon", addonInputs(), newInputs);
    const api = herokuClient({ secrets: [...Object.values(news.config ?? {}), ...Object.values(olds.configVars)] });
    const outs = await step(`Updating add-on ${olds.name}`, async () => {
      let addon = await api.get(`/addons/${seg(id)}`, addonSchema());
      const rename = news.name !== undefined && news.name !== addon.name;
      if (news.plan !== addon.plan.name || rename) {
        addon = await api.request("PATCH", `/apps/${seg(addon.app.id)}/addons/${seg(id)}`, {
          body: { plan: news.plan, ...(rename ? { name: news.name } : {}) },
          schema: addonSchema(),
          hint: "Some services cannot change plans in place; if Heroku refuses, plan the migration (e.g. pg:copy) by hand.",
        });
      }
      return waitUntilUsable(api, addon, news, olds.configVarNames);
    });
    return { outs };
  },

  async delete(id: string, props: unknown) {
    const olds = parseProps("Addon", addonOutputs().partial(), props);
    const api = herokuClient({ secrets: Object.values(olds.configVars ?? {}) });
    await step(`Deleting add-on ${olds.name ?? id}`, async () => {
      const billingApp = olds.appId ?? (await api.find(`/addons/${seg(id)}`, addonSchema()))?.app.id;
      if (billingApp === undefined) return;
      const removed = await api.remove(`/apps/${seg(billingApp)}/addons/${seg(id)}`, {
        hint: "If other apps are attached to it, detach them first (heroku addons:detach).",
      });
      // A named add-on's name is free again only once it is gone; a replacement may need it at once.
      if (removed && (olds.requestedName !== undefined || olds.attachmentName !== undefined)) await waitUntilGone(api, id, olds.name ?? id);
    });
  },
};

async function createAddon(api: HerokuClient, inputs: AddonInputs): Promise<AddonBody> {
  const service = splitPlan(inputs.plan).service;
  // Without a name or attachment name, the only way to tell our add-on from others after a lost answer is what existed before.
  const before =
    inputs.name === undefined && inputs.attachmentName === undefined
      ? new Set((await api.list(`/apps/${seg(inputs.app)}/addons`, addonSchema())).map((a) => a.id))
      : undefined;
  const lookup = () => claimAddon(api, inputs, service);
  const recoverUnnamed = async (): Promise<AddonBody | undefined> => {
    const now = await api.list(`/apps/${seg(inputs.app)}/addons`, addonSchema());
    const fresh = now.filter((a) => !before?.has(a.id) && a.addon_service.name === service && isOnApp(a, inputs.app));
    return fresh.length === 1 ? fresh[0] : undefined;
  };
  return createOrTakeBack(
    api,
    `add-on ${inputs.name ?? inputs.attachmentName ?? inputs.plan} on app ${inputs.app}`,
    () =>
      api.request("POST", `/apps/${seg(inputs.app)}/addons`, {
        body: compact({
          plan: inputs.plan,
          name: inputs.name,
          attachment: inputs.attachmentName !== undefined ? { name: inputs.attachmentName } : undefined,
          config: inputs.config,
        }),
        secrets: Object.values(inputs.config ?? {}),
        schema: addonSchema(),
        recover: before === undefined ? mineOnly(lookup) : recoverUnnamed,
        hint:
          inputs.name !== undefined
            ? `Add-on names are global: if ${inputs.name} is taken by another add-on, choose another name.`
            : undefined,
      }),
    lookup,
  );
}

/**
 * The add-on holding the requested name, or the one behind the requested
 * attachment name on the app: fleet's when it is of the same service and
 * billed to the same app (and not being removed), else someone else's.
 */
async function claimAddon(api: HerokuClient, inputs: AddonInputs, service: string): Promise<Claim<AddonBody>> {
  const judge = (found: AddonBody, holds: string, fix: string): Claim<AddonBody> => {
    const same = found.addon_service.name === service && isOnApp(found, inputs.app);
    if (same && found.state !== "deprovisioning" && found.state !== "deprovisioned") return { mine: found };
    if (same) return { theirs: `Add-on ${found.name} on app ${found.app.name} is being removed (${found.state}); run \`pulumi up\` again once it is gone.` };
    return { theirs: `${holds} add-on ${found.name} (${found.plan.name}), billed to app ${found.app.name}, not a ${service} add-on of app ${inputs.app}: ${fix}` };
  };
  if (inputs.name !== undefined) {
    const found = await api.find(`/addons/${seg(inputs.name)}`, addonSchema());
    if (found) return judge(found, `The name ${inputs.name} belongs to`, "choose another name for this add-on, or remove that one.");
  }
  if (inputs.attachmentName !== undefined) {
    const attachment = await api.find(`/apps/${seg(inputs.app)}/addon-attachments/${seg(inputs.attachmentName)}`, attachmentSchema());
    const found = attachment ? await api.find(`/addons/${seg(attachment.addon.id)}`, addonSchema()) : undefined;
    if (found) {
      return judge(
        found,
        `Attachment ${inputs.attachmentName} on app ${inputs.app} exposes`,
        `detach it (heroku addons:detach ${inputs.attachmentName} --app ${inputs.app}) or choose another attachment name.`,
      );
    }
  }
  return undefined;
}

function isOnApp(addon: AddonBody, app: string): boolean {
  return addon.app.id === app || addon.app.name === app;
}

/**
 * Waits for `provisioned`, then for the add-on's vars on its app. A timeout
 * leaves the add-on recorded (created, not ready) so the next `up` waits
 * again instead of creating another.
 */
async function waitUntilUsable(
  api: HerokuClient,
  initial: AddonBody,
  inputs: AddonInputs,
  knownVarNames?: readonly string[],
): Promise<AddonOutputs> {
  const what = `add-on ${initial.name} (${initial.plan.name}) on app ${initial.app.name}`;
  const pending = addonOuts(initial, inputs, knownVarNames ?? initial.config_vars ?? [], {});
  try {
    const addon =
      initial.state === "provisioned"
        ? initial
        : await pollUntil({
            what,
            read: () => api.get(`/addons/${seg(initial.id)}`, addonSchema()),
            state: (a) => a.state,
            done: (a) => a.state === "provisioned",
            failed: (a) =>
              a.state === "deprovisioned" || a.state === "deprovisioning"
                ? `Heroku could not provision ${what}${a.provision_message ? `: ${a.provision_message}` : ""}. ` +
                  `Check the plan and the account's billing, then run \`pulumi up\` again.`
                : undefined,
            intervalMs: pollInterval(PROVISION_POLL_MS),
            timeoutMs: waitTimeout(PROVISION_TIMEOUT_MS),
            log: api.log,
          });
    const names = knownVarNames ?? addon.config_vars ?? [];
    const vars =
      names.length === 0
        ? {}
        : await pollUntil({
            what: `config vars ${names.join(", ")} of ${what}`,
            read: () => api.get(`/apps/${seg(addon.app.id)}/config-vars`, configVarsSchema(), { secretResponse: true }),
            state: (v) => `${names.filter((n) => n in v).length} of ${names.length} set`,
            done: (v) => names.every((n) => n in v),
            intervalMs: pollInterval(PROVISION_POLL_MS),
            timeoutMs: waitTimeout(VARS_TIMEOUT_MS),
            log: api.log,
          });
    return addonOuts(addon, inputs, names, pick(vars, names));
  } catch (error) {
    if (isPollTimeout(error)) {
      throw resourceInitError(initial.id, pending, `${error.message} It stays recorded; the next \`pulumi up\` waits for it again.`);
    }
    if (isPollFailed(error)) throw new Error(error.message);
    throw error;
  }
}

async function waitUntilGone(api: HerokuClient, id: string, name: string): Promise<void> {
  try {
    await pollUntil({
      what: `removal of add-on ${name}`,
      read: () => api.find(`/addons/${seg(id)}`, addonSchema()),
      state: (a) => a?.state ?? "gone",
      done: (a) => a === undefined || a.state === "deprovisioned",
      intervalMs: pollInterval(PROVISION_POLL_MS),
      timeoutMs: waitTimeout(VARS_TIMEOUT_MS),
      log: api.log,
    });
  } catch (error) {
    if (!isPollTimeout(error)) throw error;
    api.log.info(`${error.message} Continuing: Heroku finishes the removal on its own.`);
  }
}

function inputsFromOutputs(olds: Partial<AddonOutputs>, addon: AddonBody): AddonInputs {
  return compact({
    app: olds.app ?? addon.app.id,
    plan: addon.plan.name,
    name: olds.requestedName,
    attachmentName: olds.attachmentName,
    config: olds.config,
  });
}

function addonOuts(addon: AddonBody, inputs: AddonInputs, varNames: readonly string[], vars: Record<string, string>): AddonOutputs {
  return compact({
    app: inputs.app,
    appId: addon.app.id,
    addonId: addon.id,
    name: addon.name,
    plan: addon.plan.name,
    requestedName: inputs.name,
    attachmentName: inputs.attachmentName,
    config: inputs.config,
    state: addon.state,
    configVarNames: [...varNames].sort(),
    configVars: vars,
  });
}

function pick(vars: Readonly<Record<string, string>>, names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const value = vars[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}
