/**
 * What exists on one Heroku app, by name: config-var keys (values are read
 * only because the API sends them, and dropped at once), the keys add-ons
 * own, add-on attachments with their add-on and plan, custom domains, log
 * drains and the formation.
 */
import { z } from "zod";
import { addonOwnedKeys } from "../../../components/heroku/addon-vars";
import { seg, type HerokuClient } from "../../../components/heroku/client";
import { isGone } from "../../../components/heroku/errors";
import { addonSchema, attachmentSchema, configVarsSchema, domainSchema, drainSchema, formationSchema } from "../../../components/heroku/schemas";

export interface LiveAddon {
  readonly attachment: string;
  readonly addon: string;
  readonly plan: string | undefined;
  readonly service: string | undefined;
  /** Billed to this app (not another app's add-on attached here). */
  readonly billedHere: boolean;
}

export interface LiveApp {
  readonly herokuName: string;
  /** False when the app does not exist (not deployed yet, or deleted). */
  readonly exists: boolean;
  readonly configKeys: readonly string[];
  /** Keys that add-on attachments set. */
  readonly addonKeys: ReadonlySet<string>;
  readonly addons: readonly LiveAddon[];
  readonly hostnames: readonly string[];
  /** Drains not belonging to an add-on, by token. */
  readonly drainTokens: readonly string[];
  readonly formation: readonly { readonly type: string; readonly quantity: number; readonly size: string | undefined }[];
}

const appIdSchema = z.object({ id: z.string(), name: z.string() });
const liveDomainSchema = () => domainSchema().extend({ kind: z.string().nullish() });

export async function readLiveApp(api: HerokuClient, herokuName: string): Promise<LiveApp> {
  let appId: string;
  try {
    appId = (await api.get(`/apps/${seg(herokuName)}`, appIdSchema)).id;
  } catch (error) {
    if (isGone(error)) return { herokuName, exists: false, configKeys: [], addonKeys: new Set(), addons: [], hostnames: [], drainTokens: [], formation: [] };
    throw error;
  }
  const app = `/apps/${seg(appId)}`;
  const configKeys = Object.keys(await api.get(`${app}/config-vars`, configVarsSchema(), { secretResponse: true })).sort();
  const addonKeys = new Set(Object.keys(await addonOwnedKeys(api, appId)));
  const attachments = await api.list(`${app}/addon-attachments`, attachmentSchema());
  const listed = attachments.length > 0 ? await api.list(`${app}/addons`, addonSchema()) : [];
  const addons = attachments.map((a): LiveAddon => {
    const addon = listed.find((x) => x.id === a.addon.id);
    return { attachment: a.name, addon: a.addon.name, plan: addon?.plan.name, service: addon?.addon_service.name, billedHere: a.addon.app.id === appId || addon?.app.id === appId };
  });
  const domains = await api.list(`${app}/domains`, liveDomainSchema());
  const drains = await api.list(`${app}/log-drains`, drainSchema(), { secretResponse: true });
  const formation = await api.list(`${app}/formation`, formationSchema());
  return {
    herokuName,
    exists: true,
    configKeys,
    addonKeys,
    addons,
    hostnames: domains.filter((d) => d.kind !== "heroku" && !d.hostname.endsWith(".herokuapp.com")).map((d) => d.hostname).sort(),
    drainTokens: drains.filter((d) => !d.addon).map((d) => d.token).sort(),
    formation: formation.map((f) => ({ type: f.type, quantity: f.quantity, size: f.size ?? f.dyno_size?.name ?? undefined })),
  };
}
