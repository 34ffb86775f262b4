/**
 * Dynamic provider of a log drain (`POST /apps/{app}/log-drains`). The URL
 * may carry credentials: it is a secret output, it never travels in a path
 * (lookups list the app's drains and compare), and errors mask it. Heroku
 * assigns the `token` (`d.<uuid>`) the receiver sees. A new URL replaces the
 * drain, removing the old one first (one drain per URL). A drain of that URL
 * already on the app (left by a create that failed after Heroku made it) is
 * taken back, unless an add-on installed it.
 */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { herokuClient, seg } from "../client";
import { checkInputs, createOrTakeBack, failure, mineOnly, parseProps, resolveAppId, step, unknownDiff, type Claim } from "../provider-kit";
import { drainSchema, type DrainBody } from "../schemas";

const drainInputs = () => z.object({ app: z.string().min(1), url: z.string().min(1) });
export type DrainInputs = z.infer<ReturnType<typeof drainInputs>>;

const drainOutputs = () =>
  z.object({ app: z.string(), appId: z.string(), drainId: z.string(), token: z.string(), url: z.string() });
export type DrainOutputs = z.infer<ReturnType<typeof drainOutputs>>;

export const drainProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds: unknown, news: unknown) {
    return checkInputs(drainInputs(), news, (inputs) =>
      /^(syslog|syslog\+tls|https?):\/\/[^\s/]+/.test(inputs.url)
        ? []
        : [failure("url", "must start with syslog+tls://, syslog:// or https:// (the value is secret and not shown).")],
    );
  },

  async diff(_id: string, oldOutputs: unknown, newInputs: unknown) {
    const pending = unknownDiff(newInputs, ["app", "url"]);
    if (pending) return pending;
    const olds = parseProps("Drain", drainOutputs(), oldOutputs);
    const news = parseProps("Drain", drainInputs(), newInputs);
    const replaces: string[] = [];
    if (news.app !== olds.app && news.app !== olds.appId) replaces.push("app");
    if (news.url !== olds.url) replaces.push("url");
    return { changes: replaces.length > 0, replaces, deleteBeforeReplace: replaces.length > 0 };
  },

  async create(rawInputs: unknown) {
    const inputs = parseProps("Drain", drainInputs(), rawInputs);
    const api = herokuClient({ secrets: [inputs.url] });
    const outs = await step(`Adding a log drain to app ${inputs.app}`, async () => {
      const appId = await resolveAppId(api, inputs.app);
      const lookup = async (): Promise<Claim<DrainBody>> => {
        const found = (await api.list(`/apps/${seg(appId)}/log-drains`, drainSchema())).find((d) => d.url === inputs.url);
        if (!found) return undefined;
        if (!found.addon) return { mine: found };
        return {
          theirs:
            `A log drain with this URL (not shown: it may hold credentials) exists on app ${inputs.app}, installed by add-on ` +
            `${found.addon.id}: remove that add-on or use another URL.`,
        };
      };
      const drain = await createOrTakeBack(
        api,
        `log drain of app ${inputs.app}`,
        () =>
          api.request("POST", `/apps/${seg(appId)}/log-drains`, {
            body: { url: inputs.url },
            secrets: [inputs.url],
            schema: drainSchema(),
            recover: mineOnly(lookup),
            hint: "An app has at most 5 drains and one per URL (heroku drains --app <app>).",
          }),
        lookup,
      );
      return drainOuts(inputs.app, appId, drain);
    });
    return { id: outs.drainId, outs };
  },

  async read(id: string, props: unknown) {
    const olds = parseProps("Drain", drainOutputs().partial(), props);
    const appId = olds.appId;
    if (appId === undefined) return { id: "" };
    const api = herokuClient({ secrets: [olds.url] });
    return step(`Reading log drain ${olds.token ?? id} of app ${olds.app ?? appId}`, async () => {
      const drain = await api.find(`/apps/${seg(appId)}/log-drains/${seg(id)}`, drainSchema(), { secretResponse: true });
      return drain ? { id: drain.id, props: drainOuts(olds.app ?? appId, appId, drain) } : { id: "" };
    });
  },

  async update(_id: string, oldOutputs: unknown, newInputs: unknown) {
    const olds = parseProps("Drain", drainOutputs(), oldOutputs);
    const news = parseProps("Drain", drainInputs(), newInputs);
    return { outs: { ...olds, app: news.app } };
  },

  async delete(id: string, props: unknown) {
    const olds = parseProps("Drain", drainOutputs().partial(), props);
    const appId = olds.appId;
    if (appId === undefined) return;
    const api = herokuClient({ secrets: [olds.url] });
    await step(`Removing log drain ${olds.token ?? id} from app ${olds.app ?? appId}`, () =>
      api.remove(`/apps/${seg(appId)}/log-drains/${seg(id)}`),
    );
  },
};

function drainOuts(app: string, appId: string, drain: DrainBody): DrainOutputs {
  return { app, appId, drainId: drain.id, token: drain.token, url: drain.url };
}
