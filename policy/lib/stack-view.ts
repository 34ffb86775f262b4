/**
 * A typed view of the resources a policy is given: which fleet app each
 * resource belongs to, the stack and its tier, and the few properties the
 * policies read, parsed with zod (the engine's property bags are untrusted).
 *
 * Properties the engine does not know yet (a preview of something not
 * created) read as `undefined`: a policy never fails on what it cannot see,
 * and `pulumi up` checks again once the values exist.
 */
import { z } from "zod";
import type { Tier } from "../../stacks/config-schema";
import { isProductionName } from "../../stacks/tiers";

/** Resource types fleet registers, as the engine names them. */
export const TYPES = {
  service: "fleet:heroku:HerokuService",
  app: "pulumi-nodejs:dynamic/heroku:App",
  addon: "pulumi-nodejs:dynamic/heroku:Addon",
  attachment: "pulumi-nodejs:dynamic/heroku:AddonAttachment",
  configVars: "pulumi-nodejs:dynamic/heroku:ConfigVars",
  formation: "pulumi-nodejs:dynamic/heroku:Formation",
  schedulerJob: "pulumi-nodejs:dynamic/heroku:SchedulerJob",
  dnsRecord: "cloudflare:index/dnsRecord:DnsRecord",
  zoneSetting: "cloudflare:index/zoneSetting:ZoneSetting",
  pgSchema: "postgresql:index/schema:Schema",
} as const;

/** The part of a policy resource the policies read (what `@pulumi/policy` gives, and what tests build). */
export interface ResourceLike {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  readonly props: Record<string, unknown>;
  readonly opts: {
    readonly protect: boolean;
    readonly parent?: string | undefined;
    /** Only where the analyzer reports it: @pulumi/policy 1.21 does not (see data-stores-protected.ts). */
    readonly retainOnDelete?: boolean | undefined;
  };
}

/** Copies a property bag into plain data; values the engine does not know yet become undefined. */
export function knownProps(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  const read = (get: () => unknown): unknown => {
    try {
      return knownProps(get());
    } catch (error) {
      // @pulumi/policy throws UnknownValueError when an unknown value is read.
      if (error instanceof Error && error.name === "UnknownValueError") return undefined;
      if (error instanceof Error && /unknown/i.test(error.message)) return undefined;
      throw error;
    }
  };
  if (Array.isArray(value)) return value.map((_, i) => read(() => (value as unknown[])[i]));
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) out[key] = read(() => (value as Record<string, unknown>)[key]);
  return out;
}

const declaredSchema = z
  .object({
    plainConfigKeys: z.array(z.string()).default([]),
    database: z.object({ store: z.string(), connectionLimit: z.number(), reservedForOthers: z.number() }).optional(),
    proxied: z.boolean().optional(),
  })
  .loose();
export type Declared = z.infer<typeof declaredSchema>;

const formationSchema = z.object({ processes: z.record(z.string(), z.object({ size: z.string(), quantity: z.number() })).optional() }).loose();
const configVarsSchema = z.object({ vars: z.record(z.string(), z.string().optional()).optional() }).loose();
const addonSchema = z.object({ plan: z.string().optional(), attachmentName: z.string().optional(), name: z.string().optional() }).loose();
const attachmentSchema = z.object({ name: z.string().optional() }).loose();
const appSchema = z.object({ features: z.record(z.string(), z.boolean().optional()).optional() }).loose();

/** Parses a property bag, or gives undefined when it does not fit (a policy then has nothing to check). */
function parse<T>(schema: z.ZodType<T>, props: unknown): T | undefined {
  const parsed = schema.safeParse(knownProps(props));
  return parsed.success ? parsed.data : undefined;
}

/** One fleet app: its HerokuService and every resource under it. */
export interface ServiceView {
  /** The fleet app (the service's logical name). */
  readonly app: string;
  readonly urn: string;
  readonly declared: Declared;
  readonly resources: readonly ResourceLike[];
  /** Config vars fleet writes, undefined while not known (preview). */
  readonly vars: Readonly<Record<string, string | undefined>> | undefined;
  readonly configVarsUrn: string | undefined;
  /** Process type → size and quantity, undefined while not known. */
  readonly formation: Readonly<Record<string, { size: string; quantity: number }>> | undefined;
  readonly formationUrn: string | undefined;
  readonly addons: readonly { readonly urn: string; readonly plan: string | undefined; readonly attachmentName: string | undefined }[];
  /** Names of the add-on attachments on the app (`DATABASE` gives DATABASE_URL). */
  readonly attachments: readonly string[];
  readonly scheduledJobs: number;
  /** Heroku Labs features the app turns on. */
  readonly features: ReadonlySet<string>;
}

export interface StackView {
  readonly stack: string;
  readonly tier: Tier;
  readonly resources: readonly ResourceLike[];
  readonly services: readonly ServiceView[];
  /** The service a resource belongs to (itself or an ancestor), if any. */
  serviceOf(resource: ResourceLike): ServiceView | undefined;
}

/** `urn:pulumi:<stack>::<project>::<type>::<name>` → the stack. */
export function stackOfUrn(urn: string): string {
  return /^urn:pulumi:([^:]+)::/.exec(urn)?.[1] ?? "";
}

export function isType(resource: ResourceLike, type: string): boolean {
  return resource.type === type;
}

/**
 * The stack's tier: the APP_ENV fleet writes (it is the tier, whatever the
 * stack is called), else what the stack's name says.
 */
function tierOf(stack: string, services: readonly ServiceView[]): Tier {
  const written = services.map((s) => s.vars?.["APP_ENV"]).find((v) => v === "production" || v === "staging");
  if (written === "production" || written === "staging") return written;
  return isProductionName(stack) ? "production" : "staging";
}

export function stackView(resources: readonly ResourceLike[]): StackView {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const ownerUrn = new Map<string, string>();
  const serviceUrnOf = (r: ResourceLike): string | undefined => {
    if (ownerUrn.has(r.urn)) return ownerUrn.get(r.urn);
    let current: ResourceLike | undefined = r;
    const seen = new Set<string>();
    while (current && !seen.has(current.urn)) {
      seen.add(current.urn);
      if (current.type === TYPES.service) break;
      current = current.opts.parent ? byUrn.get(current.opts.parent) : undefined;
    }
    const found = current?.type === TYPES.service ? current.urn : undefined;
    if (found) ownerUrn.set(r.urn, found);
    return found;
  };

  const members = new Map<string, ResourceLike[]>();
  for (const r of resources) {
    const owner = serviceUrnOf(r);
    if (owner && owner !== r.urn) members.set(owner, [...(members.get(owner) ?? []), r]);
  }

  const services: ServiceView[] = resources
    .filter((r) => r.type === TYPES.service)
    .map((service) => {
      const own = members.get(service.urn) ?? [];
      const first = (type: string): ResourceLike | undefined => own.find((r) => r.type === type);
      const configVars = first(TYPES.configVars);
      const formation = first(TYPES.formation);
      const app = first(TYPES.app);
      const features = parse(appSchema, app?.props)?.features ?? {};
      return {
        app: service.name,
        urn: service.urn,
        declared: parse(declaredSchema, service.props) ?? { plainConfigKeys: [] },
        resources: own,
        vars: configVars ? parse(configVarsSchema, configVars.props)?.vars : undefined,
        configVarsUrn: configVars?.urn,
        formation: formation ? parse(formationSchema, formation.props)?.processes : undefined,
        formationUrn: formation?.urn,
        addons: own
          .filter((r) => r.type === TYPES.addon)
          .map((r) => {
            const props = parse(addonSchema, r.props);
            return { urn: r.urn, plan: props?.plan, attachmentName: props?.attachmentName };
          }),
        attachments: own.filter((r) => r.type === TYPES.attachment).flatMap((r) => parse(attachmentSchema, r.props)?.name ?? []),
        scheduledJobs: own.filter((r) => r.type === TYPES.schedulerJob).length,
        features: new Set(Object.entries(features).filter(([, on]) => on === true).map(([name]) => name)),
      };
    });

  const stack = stackOfUrn(resources[0]?.urn ?? "");
  const serviceByUrn = new Map(services.map((s) => [s.urn, s]));
  return {
    stack,
    tier: tierOf(stack, services),
    resources,
    services,
    serviceOf: (r) => {
      const urn = serviceUrnOf(r);
      return urn ? serviceByUrn.get(urn) : undefined;
    },
  };
}

/** Heroku Postgres or Redis: an add-on that holds data. */
export function dataService(plan: string | undefined): "postgres" | "redis" | undefined {
  if (plan?.startsWith("heroku-postgresql:")) return "postgres";
  if (plan?.startsWith("heroku-redis:")) return "redis";
  return undefined;
}
