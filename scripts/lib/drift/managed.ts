/**
 * What fleet manages on each Heroku app of a stack, read from the stack's
 * offline plan (`npm run plan -- --json`, the documented JSON): config-var
 * names, process types, custom hostnames, add-ons (by global name, by the
 * service fleet adds unnamed, by attachment name) and how many log drains.
 * Names only: the plan never holds a secret value.
 */
import { z } from "zod";

const planResource = z.object({ type: z.string(), name: z.string(), inputs: z.record(z.string(), z.unknown()) }).loose();
const planApp = z
  .object({
    name: z.string(),
    herokuName: z.string(),
    domain: z.string().nullish(),
    processes: z.array(z.object({ type: z.string() }).loose()),
    configVars: z.array(z.object({ name: z.string() }).loose()),
    resources: z.array(planResource),
  })
  .loose();
export const planJsonSchema = z.object({ ok: z.literal(true), stack: z.string(), apps: z.array(planApp) }).loose();
export type PlanJson = z.infer<typeof planJsonSchema>;

export interface ManagedApp {
  /** The fleet app. */
  readonly app: string;
  readonly herokuName: string;
  /** Config vars fleet writes or whose source it declares (add-on, Heroku). */
  readonly configKeys: ReadonlySet<string>;
  readonly formationTypes: ReadonlySet<string>;
  readonly hostnames: ReadonlySet<string>;
  /** Global names of the add-ons fleet creates on this app. */
  readonly addonNames: ReadonlySet<string>;
  /** Services of add-ons fleet creates without a name (`scheduler`). */
  readonly addonServices: ReadonlySet<string>;
  /** Names of the attachments fleet makes on this app (`DATABASE`, `REDIS`…). */
  readonly attachmentNames: ReadonlySet<string>;
  readonly drains: number;
}

const text = (value: unknown): string | undefined => (typeof value === "string" && !value.startsWith("(") && value !== "[secret]" ? value : undefined);

export function managedApps(plan: PlanJson): ManagedApp[] {
  return plan.apps.map((app) => {
    const addons = app.resources.filter((r) => r.type === "heroku:Addon");
    const attachments = app.resources.filter((r) => r.type === "heroku:AddonAttachment");
    return {
      app: app.name,
      herokuName: app.herokuName,
      configKeys: new Set(app.configVars.map((v) => v.name)),
      formationTypes: new Set(app.processes.map((p) => p.type)),
      hostnames: new Set(app.domain ? [app.domain] : []),
      addonNames: new Set(addons.flatMap((r) => text(r.inputs["name"]) ?? [])),
      addonServices: new Set(addons.filter((r) => text(r.inputs["name"]) === undefined).flatMap((r) => text(r.inputs["plan"])?.split(":")[0] ?? [])),
      attachmentNames: new Set([...attachments.flatMap((r) => text(r.inputs["name"]) ?? []), ...addons.flatMap((r) => text(r.inputs["attachmentName"]) ?? [])]),
      drains: app.resources.filter((r) => r.type === "heroku:Drain").length,
    };
  });
}
