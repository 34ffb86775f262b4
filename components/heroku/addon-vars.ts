/**
 * Which config vars of an app belong to add-ons.
 *
 * An attachment named `NAME` exposes `NAME_<SUFFIX>` for each suffix its
 * service defines (`URL` for Postgres, `URL`/`TLS_URL` for Redis,
 * `API_TOKEN`…). Heroku lists an add-on's vars as they appear on its billing
 * app (`config_vars`), so the suffixes are those names minus the billing
 * app's attachment names. Add-ons write and rotate these vars themselves:
 * fleet never writes them and does not count them as hand-made drift.
 */
import type { HerokuClient } from "./client";
import { seg } from "./client";
import { addonSchema, attachmentSchema, type AddonBody, type AttachmentBody } from "./schemas";

/** `NAME_SUFFIX` → who owns it, e.g. `attachment DATABASE of postgresql-curved-12345`. */
export type OwnedKeys = Record<string, string>;

/**
 * The suffixes of an add-on's vars (`URL`), given the names of its
 * attachments on the billing app. Falls back to the part after the last `_`
 * when no attachment name prefixes a var.
 */
export function varSuffixes(configVars: readonly string[], billingAttachmentNames: readonly string[]): string[] {
  const suffixes = new Set<string>();
  for (const name of configVars) {
    const prefix = billingAttachmentNames
      .filter((attachment) => name.startsWith(`${attachment}_`))
      .sort((a, b) => b.length - a.length)[0];
    if (prefix !== undefined) suffixes.add(name.slice(prefix.length + 1));
    else if (name.includes("_")) suffixes.add(name.slice(name.lastIndexOf("_") + 1));
  }
  return [...suffixes].sort();
}

/** The var names an attachment exposes on its app. */
export function attachmentVarNames(attachmentName: string, suffixes: readonly string[]): string[] {
  return suffixes.map((suffix) => `${attachmentName}_${suffix}`);
}

/**
 * Every config var key of the app that an add-on owns, with its owner.
 * Two calls (the app's attachments and add-ons), plus one per add-on billed
 * to another app (its billing attachments) or missing from the app's list.
 */
export async function addonOwnedKeys(api: HerokuClient, appId: string): Promise<OwnedKeys> {
  const attachments = await api.list(`/apps/${seg(appId)}/addon-attachments`, attachmentSchema());
  const owned: OwnedKeys = {};
  if (attachments.length === 0) return owned;
  const listed = await api.list(`/apps/${seg(appId)}/addons`, addonSchema());
  const byAddon: Record<string, AttachmentBody[]> = {};
  for (const attachment of attachments) (byAddon[attachment.addon.id] ??= []).push(attachment);
  for (const [addonId, ofThisApp] of Object.entries(byAddon)) {
    const addon = listed.find((a) => a.id === addonId) ?? (await api.find(`/addons/${seg(addonId)}`, addonSchema()));
    if (!addon) continue;
    const suffixes = await addonSuffixes(api, addon, addon.app.id === appId ? attachments : undefined);
    for (const attachment of ofThisApp) {
      for (const key of attachmentVarNames(attachment.name, suffixes)) {
        owned[key] = `attachment ${attachment.name} of add-on ${addon.name}`;
      }
    }
    if (addon.app.id === appId) for (const key of addon.config_vars ?? []) owned[key] ??= `add-on ${addon.name}`;
  }
  return owned;
}

/**
 * Suffixes of the add-on's vars. `billingAttachments` are its attachments on
 * the billing app when the caller already has them; otherwise they are listed.
 */
export async function addonSuffixes(
  api: HerokuClient,
  addon: AddonBody,
  billingAttachments?: readonly AttachmentBody[],
): Promise<string[]> {
  const vars = addon.config_vars ?? [];
  if (vars.length === 0) return [];
  const billing = (billingAttachments ?? (await api.list(`/addons/${seg(addon.id)}/addon-attachments`, attachmentSchema()))).filter(
    (a) => a.addon.id === addon.id && a.app.id === addon.app.id,
  );
  return varSuffixes(
    vars,
    billing.map((a) => a.name),
  );
}
