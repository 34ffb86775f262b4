/**
 * Dynamic provider of a Heroku Postgres credential (an extra database role),
 * through the data API (`/postgres/v0/databases/{addon}/credentials`).
 *
 * Only Standard, Premium, Private and Shield plans have credentials; check
 * rejects Essential plans naming the plan. Creation waits until the
 * credential is `active` (attachments with `credential:<name>` fail before).
 * Changing `rotation` (any string, e.g. a date) rotates the password in
 * place. A new credential has no privileges: grant them with the database's
 * owner (components/postgres).
 */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
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
  splitPlan,
  step,
  unknownDiff,
  type Claim,
} from "../provider-kit";

const credentialInputs = () =>
  z.object({
    addon: z.string().min(1),
    name: z.string().min(1),
    plan: z.string().min(1),
    rotation: z.string().optional(),
  });
export type PostgresCredentialInputs = z.infer<ReturnType<typeof credentialInputs>>;

const credentialOutputs = () =>
  z.object({
    addon: z.string(),
    credentialName: z.string(),
    plan: z.string(),
    rotation: z.string().optional(),
    user: z.string(),
    password: z.string(),
    url: z.string(),
    state: z.string(),
  });
export type PostgresCredentialOutputs = z.infer<ReturnType<typeof credentialOutputs>>;

const credentialSchema = () =>
  z.object({
    uuid: z.string().optional(),
    name: z.string(),
    state: z.string(),
    database: z.string(),
    host: z.string(),
    port: z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]),
    credentials: z.array(z.object({ user: z.string(), password: z.string(), state: z.string() })),
  });
type CredentialBody = z.infer<ReturnType<typeof credentialSchema>>;

const POLL_MS = 5_000;
const ACTIVE_TIMEOUT_MS = 15 * 60_000;
const REVOKE_TIMEOUT_MS = 5 * 60_000;

/** Why a plan cannot have credentials, or undefined. Accepts `standard-0` or `heroku-postgresql:standard-0`. */
export function credentialPlanProblem(plan: string): string | undefined {
  const name = plan.includes(":") ? splitPlan(plan).plan : plan;
  if (/^(essential|mini|basic|hobby|dev)/.test(name)) {
    return (
      `the database's plan ${name} has no extra credentials: Heroku Postgres credentials need Standard or higher ` +
      `(standard-0 and up). On ${name} the app uses the owner credential (DATABASE_URL) and its own schema instead.`
    );
  }
  return undefined;
}

export const postgresCredentialProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds: unknown, news: unknown) {
    return checkInputs(credentialInputs(), news, (inputs) => {
      const failures: pulumi.dynamic.CheckFailure[] = [];
      const planProblem = credentialPlanProblem(inputs.plan);
      if (planProblem) failures.push(failure("plan", planProblem));
      if (!/^[a-z][a-z0-9_-]{0,49}$/.test(inputs.name)) {
        failures.push(failure("name", `"${inputs.name}" is not a credential name: up to 50 lowercase letters, digits, _ or -, a letter first.`));
      }
      if (inputs.name === "default" || inputs.name === "owner") {
        failures.push(failure("name", `${inputs.name} is the database owner's own credential; choose another name.`));
      }
      return failures;
    });
  },

  async diff(_id: string, oldOutputs: unknown, newInputs: unknown) {
    const pending = unknownDiff(newInputs, ["addon", "name"]);
    if (pending) return pending;
    const olds = parseProps("PostgresCredential", credentialOutputs(), oldOutputs);
    const news = parseProps("PostgresCredential", credentialInputs(), newInputs);
    const replaces: string[] = [];
    if (news.addon !== olds.addon) replaces.push("addon");
    if (news.name !== olds.credentialName) replaces.push("name");
    const changes = replaces.length > 0 || (news.rotation ?? "") !== (olds.rotation ?? "") || news.plan !== olds.plan;
    return { changes, replaces, deleteBeforeReplace: replaces.length > 0 };
  },

  async create(rawInputs: unknown) {
    const inputs = parseProps("PostgresCredential", credentialInputs(), rawInputs);
    const api = herokuClient();
    const base = credentialsPath(inputs.addon);
    const outs = await step(`Creating Postgres credential ${inputs.name} on ${inputs.addon}`, async () => {
      // A credential of that name on this database, left by a create that failed after Heroku made it, is taken back.
      const lookup = async (): Promise<Claim<unknown>> => {
        const found = await findCredential(api, inputs.addon, inputs.name);
        if (!found) return undefined;
        if (found.state !== "revoking") return { mine: found };
        return { theirs: `Postgres credential ${inputs.name} on ${inputs.addon} is being revoked; run \`pulumi up\` again once it is gone.` };
      };
      await createOrTakeBack(
        api,
        `Postgres credential ${inputs.name} on ${inputs.addon}`,
        () =>
          api.request("POST", base, {
            host: "data",
            body: { name: inputs.name },
            schema: z.unknown(),
            recover: mineOnly(lookup),
            hint: "Credential names are unique per database (heroku pg:credentials).",
          }),
        lookup,
      );
      return waitActive(api, inputs, undefined);
    });
    return { id: `${inputs.addon}/${inputs.name}`, outs };
  },

  async read(id: string, props: unknown) {
    const olds = parseProps("PostgresCredential", credentialOutputs().partial(), props);
    const [addonFromId, nameFromId] = id.split("/");
    const addon = olds.addon ?? addonFromId ?? "";
    const name = olds.credentialName ?? nameFromId ?? "";
    const api = herokuClient({ secrets: [olds.password, olds.url] });
    const credential = await step(`Reading Postgres credential ${name} on ${addon}`, () => findCredential(api, addon, name));
    if (!credential || credential.state === "revoking") return { id: "" };
    const inputs = compact({ addon, name, plan: olds.plan ?? "", rotation: olds.rotation });
    return { id, props: credentialOuts(inputs, credential) };
  },

  async update(_id: string, oldOutputs: unknown, newInputs: unknown) {
    const olds = parseProps("PostgresCredential", credentialOutputs(), oldOutputs);
    const news = parseProps("PostgresCredential", credentialInputs(), newInputs);
    const api = herokuClient({ secrets: [olds.password, olds.url] });
    const outs = await step(`Updating Postgres credential ${olds.credentialName} on ${olds.addon}`, async () => {
      if ((news.rotation ?? "") === (olds.rotation ?? "")) return waitActive(api, news, undefined);
      await api.request("POST", `${credentialsPath(news.addon)}/${seg(news.name)}/credentials_rotation`, {
        host: "data",
        body: {},
        schema: z.unknown(),
        // Resending a rotation rotates again; harmless (the newest password wins), and the wait below reads it.
        idempotent: true,
      });
      return waitActive(api, news, olds.password);
    });
    return { outs };
  },

  async delete(_id: string, props: unknown) {
    const olds = parseProps("PostgresCredential", credentialOutputs().partial(), props);
    if (!olds.addon || !olds.credentialName) return;
    const addon = olds.addon;
    const name = olds.credentialName;
    const api = herokuClient({ secrets: [olds.password, olds.url] });
    await step(`Destroying Postgres credential ${name} on ${addon}`, async () => {
      const removed = await api.remove(`${credentialsPath(addon)}/${seg(name)}`, {
        host: "data",
        hint: "Detach the attachments that use it (credential:" + name + ") first.",
      });
      if (!removed) return;
      try {
        await pollUntil({
          what: `removal of Postgres credential ${name}`,
          read: () => findCredential(api, addon, name),
          state: (c) => c?.state ?? "gone",
          done: (c) => c === undefined,
          intervalMs: pollInterval(POLL_MS),
          timeoutMs: waitTimeout(REVOKE_TIMEOUT_MS),
          log: api.log,
        });
      } catch (error) {
        if (!isPollTimeout(error)) throw error;
        api.log.info(`${error.message} Heroku finishes revoking it on its own.`);
      }
    });
  },
};

function credentialsPath(addon: string): string {
  return `/postgres/v0/databases/${seg(addon)}/credentials`;
}

async function findCredential(api: HerokuClient, addon: string, name: string): Promise<CredentialBody | undefined> {
  return api.find(`${credentialsPath(addon)}/${seg(name)}`, credentialSchema(), { host: "data", secretResponse: true });
}

/** Waits for `active` (and, after a rotation, for a password other than `previousPassword`). */
async function waitActive(api: HerokuClient, inputs: PostgresCredentialInputs, previousPassword: string | undefined): Promise<PostgresCredentialOutputs> {
  const ready = (c: CredentialBody | undefined): boolean => {
    const pair = c?.credentials.find((p) => p.state === "active");
    return c?.state === "active" && pair !== undefined && pair.password !== previousPassword;
  };
  try {
    const credential = await pollUntil({
      what: `Postgres credential ${inputs.name} on ${inputs.addon}`,
      read: () => findCredential(api, inputs.addon, inputs.name),
      state: (c) => (c === undefined ? "not listed yet" : previousPassword !== undefined && c.state === "active" ? "rotating" : c.state),
      done: ready,
      intervalMs: pollInterval(POLL_MS),
      timeoutMs: waitTimeout(ACTIVE_TIMEOUT_MS),
      log: api.log,
    });
    if (!credential) throw new Error(`Postgres credential ${inputs.name} disappeared while waiting for it.`);
    return credentialOuts(inputs, credential);
  } catch (error) {
    if (isPollTimeout(error)) {
      const pending = compact({ addon: inputs.addon, credentialName: inputs.name, plan: inputs.plan, rotation: inputs.rotation, state: error.lastState });
      throw resourceInitError(`${inputs.addon}/${inputs.name}`, pending, error.message);
    }
    throw error;
  }
}

function credentialOuts(inputs: PostgresCredentialInputs, credential: CredentialBody): PostgresCredentialOutputs {
  const pair = credential.credentials.find((p) => p.state === "active") ?? credential.credentials[0];
  const user = pair?.user ?? "";
  const password = pair?.password ?? "";
  return compact({
    addon: inputs.addon,
    credentialName: credential.name,
    plan: inputs.plan,
    rotation: inputs.rotation,
    user,
    password,
    url: `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${credential.host}:${credential.port}/${credential.database}`,
    state: credential.state,
  });
}
