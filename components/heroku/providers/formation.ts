/**
 * Dynamic provider of an app's formation: dyno size and quantity per process
 * type, in one batch `PATCH /apps/{app}/formation`.
 *
 * Process types exist only once a build has released them (the Procfile of
 * the running slug), so a Formation must depend on the app's Build. An update
 * names the size as `size`, the only size field the Platform API schema
 * allows there; answers carry `size` (and, on some, a `dyno_size` object read
 * only when `size` is absent). Sizes are compared case-insensitively
 * (`standard-1X` = `Standard-1X`). Eco and Basic
 * allow one dyno per type and no mixing of tiers; check says so before
 * Heroku does. Types the app has but the formation does not declare are left
 * alone, except that idle ones (quantity 0) follow the declared tier, which
 * Heroku requires of all types at once.
 */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { herokuClient, seg, type HerokuClient } from "../client";
import { isGone, isHerokuApiError } from "../errors";
import { checkInputs, failure, parseProps, step, unknownDiff } from "../provider-kit";
import { formationSchema, type FormationBody } from "../schemas";

const processSchema = () => z.object({ quantity: z.number().int().min(0), size: z.string().min(1) });

const formationInputs = () =>
  z.object({
    app: z.string().min(1),
    processes: z.record(z.string(), processSchema()),
  });
export type FormationInputs = z.infer<ReturnType<typeof formationInputs>>;

const formationOutputs = () =>
  z.object({
    app: z.string(),
    processes: z.record(z.string(), processSchema()),
  });
export type FormationOutputs = z.infer<ReturnType<typeof formationOutputs>>;

type Processes = FormationInputs["processes"];

/** `eco`, `basic` or `professional` (Standard, Performance, Private, Shield): Heroku allows one tier per app. */
export function dynoTier(size: string): "eco" | "basic" | "professional" {
  const lower = size.toLowerCase();
  return lower === "eco" ? "eco" : lower === "basic" ? "basic" : "professional";
}

/** Every problem of a set of processes, as check failures. */
export function formationProblems(processes: Processes): pulumi.dynamic.CheckFailure[] {
  const failures: pulumi.dynamic.CheckFailure[] = [];
  for (const [type, process] of Object.entries(processes)) {
    if (!/^[-\w]{1,128}$/.test(type)) failures.push(failure(`processes.${type}`, `"${type}" is not a valid process type name.`));
    if (type === "release") {
      failures.push(failure("processes.release", "release runs once per release (release phase) and is never scaled: remove it."));
    }
    const tier = dynoTier(process.size);
    if (tier !== "professional" && process.quantity > 1) {
      failures.push(
        failure(
          `processes.${type}.quantity`,
          `${type} asks for ${process.quantity} ${process.size} dynos; ${process.size} allows 1 per process type. ` +
            `Use quantity 1 or a Standard size (standard-1X, standard-2X).`,
        ),
      );
    }
  }
  const tiers = [...new Set(Object.values(processes).map((p) => dynoTier(p.size)))];
  if (tiers.length > 1) {
    const bySize = Object.entries(processes)
      .map(([type, p]) => `${type}: ${p.size}`)
      .join(", ");
    failures.push(
      failure("processes", `Heroku does not mix ${tiers.join(", ")} dyno tiers in one app (${bySize}); use one tier for every process type.`),
    );
  }
  return failures;
}

export const formationProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds: unknown, news: unknown) {
    return checkInputs(formationInputs(), news, (inputs) => formationProblems(inputs.processes));
  },

  async diff(_id: string, oldOutputs: unknown, newInputs: unknown) {
    const pending = unknownDiff(newInputs, ["app"]);
    if (pending) return pending;
    const olds = parseProps("Formation", formationOutputs(), oldOutputs);
    const news = parseProps("Formation", formationInputs(), newInputs);
    const replaces = news.app !== olds.app ? ["app"] : [];
    const changes = replaces.length > 0 || !sameProcesses(news.processes, olds.processes);
    return { changes, replaces };
  },

  async create(rawInputs: unknown) {
    const inputs = parseProps("Formation", formationInputs(), rawInputs);
    const api = herokuClient();
    const outs = await step(`Scaling app ${inputs.app}`, () => scale(api, inputs, {}));
    return { id: `formation:${inputs.app}`, outs };
  },

  async read(id: string, props: unknown) {
    const olds = parseProps("Formation", formationOutputs().partial(), props);
    const app = olds.app ?? id.replace(/^formation:/, "");
    const api = herokuClient();
    return step(`Reading formation of app ${app}`, async () => {
      const live = await api.find(`/apps/${seg(app)}/formation`, z.array(formationSchema()));
      if (!live) return { id: "" };
      return { id, props: { app, processes: liveProcesses(live, Object.keys(olds.processes ?? {})) } };
    });
  },

  async update(_id: string, oldOutputs: unknown, newInputs: unknown) {
    const olds = parseProps("Formation", formationOutputs(), oldOutputs);
    const news = parseProps("Formation", formationInputs(), newInputs);
    const api = herokuClient();
    const outs = await step(`Scaling app ${news.app}`, () => scale(api, news, olds.processes));
    return { outs };
  },

  async delete(_id: string, props: unknown) {
    const olds = parseProps("Formation", formationOutputs().partial(), props);
    if (!olds.app || !olds.processes) return;
    const app = olds.app;
    const types = Object.keys(olds.processes);
    const api = herokuClient();
    await step(`Scaling ${types.join(", ")} of app ${app} to 0`, async () => {
      try {
        await api.request("PATCH", `/apps/${seg(app)}/formation`, {
          body: { updates: types.map((type) => ({ type, quantity: 0 })) },
          schema: z.array(formationSchema()),
        });
      } catch (error) {
        if (!isGone(error)) throw error;
      }
    });
  },
};

/** One batch with every declared type, the types no longer declared set to 0, and idle types moved to the declared tier. */
async function scale(api: HerokuClient, inputs: FormationInputs, previous: Processes): Promise<FormationOutputs> {
  const live = await api.get(`/apps/${seg(inputs.app)}/formation`, z.array(formationSchema()));
  const updates: Array<{ type: string; quantity: number; size?: string }> = [];
  for (const [type, process] of Object.entries(inputs.processes)) {
    const current = live.find((entry) => entry.type === type);
    if (current && current.quantity === process.quantity && sameSize(formationSize(current), process.size)) continue;
    updates.push({ type, quantity: process.quantity, size: process.size });
  }
  for (const type of Object.keys(previous)) {
    const current = live.find((entry) => entry.type === type);
    if (!Object.hasOwn(inputs.processes, type) && current && current.quantity > 0) updates.push({ type, quantity: 0 });
  }
  const target = Object.values(inputs.processes)[0]?.size;
  if (target !== undefined && updates.length > 0) {
    for (const entry of live) {
      const declared = Object.hasOwn(inputs.processes, entry.type);
      if (!declared && entry.quantity === 0 && dynoTier(formationSize(entry)) !== dynoTier(target)) {
        updates.push({ type: entry.type, quantity: 0, size: target });
      }
    }
  }
  let after = live;
  if (updates.length > 0) {
    try {
      after = await api.request("PATCH", `/apps/${seg(inputs.app)}/formation`, { body: { updates }, schema: z.array(formationSchema()) });
    } catch (error) {
      if (isHerokuApiError(error) && error.status === 404) {
        const missing = Object.keys(inputs.processes).filter((type) => !live.some((entry) => entry.type === type));
        throw new Error(
          `${error.message} The running release does not define process type${missing.length === 1 ? "" : "s"} ` +
            `${missing.join(", ") || "(see above)"}: the build must define it first (a line "<type>: <command>" in the app's Procfile), ` +
            `and the Formation must depend on the Build.`,
        );
      }
      throw error;
    }
    // The PATCH answers with the touched entries only.
    after = [...live.filter((entry) => !after.some((t) => t.type === entry.type)), ...after];
  }
  return { app: inputs.app, processes: liveProcesses(after, Object.keys(inputs.processes)) };
}

function liveProcesses(live: readonly FormationBody[], types: readonly string[]): Processes {
  const out: Processes = {};
  for (const type of types) {
    const entry = live.find((e) => e.type === type);
    if (entry) out[type] = { quantity: entry.quantity, size: formationSize(entry) };
  }
  return out;
}

/** The schema's `size`; the `dyno_size` object only where an answer has no `size`. */
export function formationSize(entry: FormationBody): string {
  return entry.size ?? entry.dyno_size?.name ?? "";
}

function sameSize(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function sameProcesses(a: Processes, b: Processes): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => {
    const x = a[key];
    const y = b[key];
    return x !== undefined && y !== undefined && x.quantity === y.quantity && sameSize(x.size, y.size);
  });
}
