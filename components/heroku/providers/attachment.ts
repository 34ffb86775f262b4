/**
 * Dynamic provider of an add-on attachment (`POST /addon-attachments`):
 * shares an add-on (e.g. a database billed to another app) with an app as
 * `<NAME>_URL`, optionally through a Postgres credential
 * (`namespace: "credential:<name>"`). Every input replaces it: Heroku cannot
 * rename or move an attachment. Creation waits until the vars are on the app.
 * An attachment of that name on the app to the same add-on (left by a create
 * that failed after Heroku made it) is taken back; one to another add-on is
 * an error naming it.
 */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { addonSuffixes, attachmentVarNames } from "../addon-vars";
import { herokuClient, seg, type HerokuClient } from "../client";
import { pollInterval, waitTimeout } from "../env";
import { isPollTimeout, pollUntil } from "../poll";
import {
  checkInputs,
  compact,
  createOrTakeBack,
  failure,
  mineOnly,
  parseProps,
  resourceInitError,
  step,
  unknownDiff,
  type Claim,
} from "../provider-kit";
import { addonSchema, attachmentSchema, configVarsSchema, type AttachmentBody } from "../schemas";

const attachmentInputs = () =>
  z.object({
    addon: z.string().min(1),
    app: z.string().min(1),
    name: z.string().min(1),
    namespace: z.string().min(1).optional(),
  });
export type AttachmentInputs = z.infer<ReturnType<typeof attachmentInputs>>;

const attachmentOutputs = () =>
  z.object({
    addon: z.string(),
    app: z.string(),
    name: z.string(),
    namespace: z.string().optional(),
    attachmentId: z.string(),
    addonId: z.string(),
    appId: z.string(),
    configVarNames: z.array(z.string()),
    configVars: z.record(z.string(), z.string()),
  });
export type AttachmentOutputs = z.infer<ReturnType<typeof attachmentOutputs>>;

const VARS_POLL_MS = 3_000;
const VARS_TIMEOUT_MS = 5 * 60_000;

export const attachmentProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds: unknown, news: unknown) {
    return checkInputs(attachmentInputs(), news, (inputs) => {
      const failures: pulumi.dynamic.CheckFailure[] = [];
      if (!/^[A-Z][A-Z0-9_]*$/.test(inputs.name)) {
        failures.push(failure("name", `"${inputs.name}" is not a valid attachment name: uppercase letters, digits and _, e.g. DATABASE.`));
      }
      if (inputs.namespace !== undefined && !/^[a-z]+:[A-Za-z0-9_-]+$/.test(inputs.namespace)) {
        failures.push(failure("namespace", `"${inputs.namespace}" is not a namespace: use credential:<name>.`));
      }
      return failures;
    });
  },

  async diff(_id: string, oldOutputs: unknown, newInputs: unknown) {
    const pending = unknownDiff(newInputs, ["addon", "app", "name", "namespace"]);
    if (pending) return pending;
    const olds = parseProps("AddonAttachment", attachmentOutputs(), oldOutputs);
    const news = parseProps("AddonAttachment", attachmentInputs(), newInputs);
    const replaces: string[] = [];
    if (news.addon !== olds.addon && news.addon !== olds.addonId) replaces.push("addon");
    if (news.app !== olds.app && news.app !== olds.appId) replaces.push("app");
    if (news.name !== olds.name) replaces.push("name");
    if ((news.namespace ?? "") !== (olds.namespace ?? "")) replaces.push("namespace");
    // Same name on the same app: the old one must go first.
    return { changes: replaces.length > 0, replaces, deleteBeforeReplace: replaces.length > 0 };
  },

  async create(rawInputs: unknown) {
    const inputs = parseProps("AddonAttachment", attachmentInputs(), rawInputs);
    const api = herokuClient();
    const outs = await step(`Attaching add-on ${inputs.addon} to app ${inputs.app} as ${inputs.name}`, async () => {
      const lookup = () => claimAttachment(api, inputs);
      const attachment = await createOrTakeBack(
        api,
        `attachment ${inputs.name} on app ${inputs.app}`,
        () =>
          api.request("POST", "/addon-attachments", {
            body: compact({ addon: inputs.addon, app: inputs.app, name: inputs.name, namespace: inputs.namespace }),
            schema: attachmentSchema(),
            recover: mineOnly(lookup),
            hint: `Attachment names are unique per app (heroku addons --app ${inputs.app}).`,
          }),
        lookup,
      );
      return waitForVars(api, attachment, inputs);
    });
    return { id: outs.attachmentId, outs };
  },

  async read(id: string, props: unknown) {
    const olds = parseProps("AddonAttachment", attachmentOutputs().partial(), props);
    const api = herokuClient({ secrets: Object.values(olds.configVars ?? {}) });
    return step(`Reading attachment ${olds.name ?? id}`, async () => {
      const attachment = await api.find(`/addon-attachments/${seg(id)}`, attachmentSchema());
      if (!attachment) return { id: "" };
      const names = olds.configVarNames ?? [];
      const vars =
        names.length === 0
          ? {}
          : ((await api.find(`/apps/${seg(attachment.app.id)}/config-vars`, configVarsSchema(), { secretResponse: true })) ?? {});
      return { id: attachment.id, props: attachmentOuts(attachment, inputsFrom(olds, attachment), names, vars) };
    });
  },

  async update(_id: string, _olds: unknown, newInputs: unknown) {
    // diff replaces on every input change, so an update only refreshes the echo of the inputs.
    const olds = parseProps("AddonAttachment", attachmentOutputs(), _olds);
    const news = parseProps("AddonAttachment", attachmentInputs(), newInputs);
    return { outs: { ...olds, addon: news.addon, app: news.app } };
  },

  async delete(id: string, props: unknown) {
    const olds = parseProps("AddonAttachment", attachmentOutputs().partial(), props);
    const api = herokuClient({ secrets: Object.values(olds.configVars ?? {}) });
    await step(`Detaching ${olds.name ?? id} from app ${olds.app ?? "?"}`, () => api.remove(`/addon-attachments/${seg(id)}`));
  },
};

/** The attachment of that name on the app: fleet's when it exposes the same add-on (and credential), else someone else's. */
async function claimAttachment(api: HerokuClient, inputs: AttachmentInputs): Promise<Claim<AttachmentBody>> {
  const found = await api.find(`/apps/${seg(inputs.app)}/addon-attachments/${seg(inputs.name)}`, attachmentSchema());
  if (!found) return undefined;
  const sameAddon = found.addon.id === inputs.addon || found.addon.name === inputs.addon;
  if (sameAddon && found.namespace === inputs.namespace) return { mine: found };
  const shown = (addon: string, namespace: string | undefined) => `${addon}${namespace ? ` (${namespace})` : ""}`;
  return {
    theirs:
      `An attachment named ${found.name} already exists on app ${found.app.name} and exposes add-on ` +
      `${shown(found.addon.name, found.namespace)}, not ${shown(inputs.addon, inputs.namespace)}: detach it ` +
      `(heroku addons:detach ${found.name} --app ${found.app.name}) or give this attachment another name.`,
  };
}

async function waitForVars(api: HerokuClient, attachment: AttachmentBody, inputs: AttachmentInputs): Promise<AttachmentOutputs> {
  const addon = await api.get(`/addons/${seg(attachment.addon.id)}`, addonSchema());
  const suffixes = await addonSuffixes(api, addon);
  const names = attachmentVarNames(attachment.name, suffixes);
  const pending = attachmentOuts(attachment, inputs, names, {});
  if (names.length === 0) return pending;
  try {
    const vars = await pollUntil({
      what: `config vars ${names.join(", ")} of attachment ${attachment.name} on app ${attachment.app.name}`,
      read: () => api.get(`/apps/${seg(attachment.app.id)}/config-vars`, configVarsSchema(), { secretResponse: true }),
      state: (vars) => `${names.filter((n) => n in vars).length} of ${names.length} set`,
      done: (vars) => names.every((n) => n in vars),
      intervalMs: pollInterval(VARS_POLL_MS),
      timeoutMs: waitTimeout(VARS_TIMEOUT_MS),
      log: api.log,
    });
    return attachmentOuts(attachment, inputs, names, vars);
  } catch (error) {
    if (isPollTimeout(error)) throw resourceInitError(attachment.id, pending, error.message);
    throw error;
  }
}

function inputsFrom(olds: Partial<AttachmentOutputs>, attachment: AttachmentBody): AttachmentInputs {
  return compact({
    addon: olds.addon ?? attachment.addon.id,
    app: olds.app ?? attachment.app.id,
    name: olds.name ?? attachment.name,
    namespace: olds.namespace,
  });
}

function attachmentOuts(
  attachment: AttachmentBody,
  inputs: AttachmentInputs,
  varNames: readonly string[],
  vars: Readonly<Record<string, string>>,
): AttachmentOutputs {
  return compact({
    addon: inputs.addon,
    app: inputs.app,
    name: attachment.name,
    namespace: attachment.namespace ?? undefined,
    attachmentId: attachment.id,
    addonId: attachment.addon.id,
    appId: attachment.app.id,
    configVarNames: [...varNames].sort(),
    configVars: Object.fromEntries(varNames.filter((name) => vars[name] !== undefined).map((name) => [name, vars[name] as string])),
  });
}
