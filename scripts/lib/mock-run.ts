/**
 * Runs the fleet program under Pulumi's mock monitor — no engine, no
 * credentials, no network — and records every resource registration exactly
 * as the engine would receive it (type, name, inputs, which inputs are secret,
 * parent, dependencies, protect…). Used by `npm run plan` and by the tests.
 */
import * as pulumi from "@pulumi/pulumi";
import * as runtimeSettings from "@pulumi/pulumi/runtime/settings";

const settings = runtimeSettings as unknown as {
  getMonitor(): MonitorLike | undefined;
  waitForRPCs(): Promise<void>;
};

const STACK_REFERENCE = "pulumi:pulumi:StackReference";

/** Marker the SDK uses for secret values in serialized properties. */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_VALUE = "1b47061264138c4ac30d75fd1eb44270";

interface RequestLike {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getProtect(): boolean;
  getRetainondelete?(): boolean;
  getDependenciesList(): string[];
  getDeletebeforereplace(): boolean;
  getAdditionalsecretoutputsList(): string[];
  getIgnorechangesList(): string[];
  getProvider(): string;
  getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
}
interface MonitorLike {
  registerResource(req: RequestLike, callback: (err: unknown, res: unknown) => void): unknown;
}

export interface Registered {
  readonly type: string;
  readonly name: string;
  readonly custom: boolean;
  /** URN of the parent resource ("" at the root). */
  readonly parent: string;
  /** Inputs with secrets unwrapped. */
  readonly inputs: Record<string, unknown>;
  /** Top-level input keys whose value was a Pulumi secret (or held one). */
  readonly secretInputs: readonly string[];
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
  readonly deleteBeforeReplace: boolean;
  readonly additionalSecretOutputs: readonly string[];
  readonly ignoreChanges: readonly string[];
  /** URNs this resource depends on explicitly or through its inputs. */
  readonly dependencies: readonly string[];
  readonly provider: string;
  readonly urn: string;
}

export interface RunOptions {
  readonly stack: string;
  /** Loads the program module (fresh module state) and returns its exports. */
  readonly load: () => unknown;
  /** Config as the engine gives it: `namespace:key` → text (objects as JSON text). */
  readonly config: Readonly<Record<string, string>>;
  readonly secretKeys?: readonly string[];
  /** Run as `pulumi preview` (outputs the mocks do not give are unknown). @default false */
  readonly preview?: boolean;
  /** Computed outputs per resource type, merged over the inputs. */
  readonly outputs?: MockOutputs;
  /**
   * Outputs of the stack's last deployment, which the program reads through a
   * StackReference to its own stack. @default {} (a stack never deployed)
   */
  readonly stackOutputs?: Readonly<Record<string, unknown>>;
  /**
   * Outputs of other stacks the program reads through a StackReference, by
   * stack name (a stack promoting to `production` reads its pipelines).
   * @default {} (such a stack exists but has no outputs yet)
   */
  readonly referencedStacks?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

export interface RunResult {
  readonly resources: readonly Registered[];
  /** Stack outputs, with Outputs resolved (unknown → undefined). */
  readonly outputs: Record<string, unknown>;
  /** What the program threw, if it failed. */
  readonly error: Error | undefined;
  /** Invokes the program made (token and inputs). */
  readonly invokes: readonly { token: string; inputs: Record<string, unknown> }[];
  /** Existing resources the program read (a StackReference, `get`), by type, name and id. */
  readonly reads: readonly Read[];
}

export interface Read {
  readonly type: string;
  readonly name: string;
  readonly id: string;
}

function containsSecret(value: unknown): boolean {
  if (value === null || typeof value !== "object") return false;
  if ((value as Record<string, unknown>)[SECRET_SIG] === SECRET_VALUE) return true;
  return Object.values(value as Record<string, unknown>).some(containsSecret);
}

export function unwrapSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value === null || typeof value !== "object") return value;
  const record = value as Record<string, unknown>;
  if (record[SECRET_SIG] === SECRET_VALUE) return unwrapSecrets(record["value"]);
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, unwrapSecrets(v)]));
}

/** Known invokes: the Cloudflare zone lookup answers like the real API. */
function invoke(token: string, inputs: Record<string, unknown>): Record<string, unknown> {
  if (token === "cloudflare:index/getZone:getZone") {
    const filter = (inputs["filter"] ?? {}) as { name?: string };
    return {
      id: (inputs["zoneId"] as string | undefined) ?? "0123456789abcdef0123456789abcdef",
      name: filter.name ?? "example.com",
      status: "active",
      account: { id: "account-from-zone" },
    };
  }
  throw new Error(`unexpected invoke ${token}: the mock runtime does not know it`);
}

/** Computed outputs per resource type, merged over the inputs (which arrive with secrets unwrapped). */
export type MockOutputs = (type: string, name: string, inputs: Record<string, unknown>) => Record<string, unknown>;

export interface Recording {
  /** Every registration, in the order the monitor received them. */
  readonly resources: Registered[];
  /** Invokes the program made (token and inputs). */
  readonly invokes: { token: string; inputs: Record<string, unknown> }[];
  /** Reads of existing resources. */
  readonly reads: Read[];
  /** Waits until every registration has reached the monitor. */
  settle(): Promise<void>;
}

/** Installs a fresh mock monitor for a stack and records every registration from then on. */
export async function startRecording(options: {
  stack: string;
  preview?: boolean;
  outputs?: MockOutputs;
  stackOutputs?: Readonly<Record<string, unknown>>;
  referencedStacks?: RunOptions["referencedStacks"];
}): Promise<Recording> {
  const resources: Registered[] = [];
  const invokes: { token: string; inputs: Record<string, unknown> }[] = [];
  const reads: Read[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        if (args.id !== undefined && args.id !== "") reads.push({ type: args.type, name: args.name, id: args.id });
        if (args.type === STACK_REFERENCE) {
          // A read of a stack's outputs, as the engine answers it (preview included): its own, or another stack's.
          const referenced = String(args.inputs["name"] ?? "").split("/").pop() ?? "";
          const outputs = referenced === options.stack ? options.stackOutputs : options.referencedStacks?.[referenced];
          return { id: args.id ?? args.name, state: { name: args.inputs["name"], outputs: { ...(outputs ?? {}) }, secretOutputNames: [] } };
        }
        const inputs = unwrapSecrets(args.inputs) as Record<string, unknown>;
        const state = { ...args.inputs, ...(options.outputs?.(args.type, args.name, inputs) ?? {}) };
        return { id: args.custom ? `${args.name}-id` : undefined, state };
      },
      call(args) {
        const inputs = unwrapSecrets(args.inputs) as Record<string, unknown>;
        invokes.push({ token: args.token, inputs });
        return invoke(args.token, inputs);
      },
    },
    "fleet",
    options.stack,
    options.preview ?? false,
    "organization",
  );
  const monitor = settings.getMonitor();
  if (!monitor) throw new Error("the mock monitor was not installed");
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) => {
    const raw = req.getObject()?.toJavaScript() ?? {};
    const record: Registered = {
      type: req.getType(),
      name: req.getName(),
      custom: req.getCustom(),
      parent: req.getParent(),
      inputs: unwrapSecrets(raw) as Record<string, unknown>,
      secretInputs: Object.keys(raw).filter((k) => containsSecret(raw[k])),
      protect: req.getProtect(),
      retainOnDelete: req.getRetainondelete?.() ?? false,
      deleteBeforeReplace: req.getDeletebeforereplace(),
      additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
      ignoreChanges: req.getIgnorechangesList(),
      dependencies: req.getDependenciesList(),
      provider: req.getProvider(),
      urn: "",
    };
    resources.push(record);
    return register(req, (err, res) => {
      const urn = (res as { getUrn?(): string } | undefined)?.getUrn?.();
      if (urn) (record as { urn: string }).urn = urn;
      callback(err, res);
    });
  };
  return { resources, invokes, reads, settle: () => settings.waitForRPCs() };
}

async function resolveDeep(value: unknown): Promise<unknown> {
  if (pulumi.Output.isInstance(value)) {
    const inner = await (value as unknown as { promise(withUnknowns?: boolean): Promise<unknown> }).promise(true);
    return resolveDeep(inner);
  }
  if (Array.isArray(value)) return Promise.all(value.map(resolveDeep));
  if (value !== null && typeof value === "object" && !(value instanceof pulumi.Resource)) {
    const entries = await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await resolveDeep(v)] as const));
    return Object.fromEntries(entries);
  }
  return value;
}

/** Runs the program once for a stack and returns everything it registered. */
export async function runMocked(options: RunOptions): Promise<RunResult> {
  pulumi.runtime.setAllConfig({ ...options.config }, [...(options.secretKeys ?? [])]);
  const recording = await startRecording({
    stack: options.stack,
    ...(options.preview !== undefined ? { preview: options.preview } : {}),
    ...(options.outputs ? { outputs: options.outputs } : {}),
    ...(options.stackOutputs ? { stackOutputs: options.stackOutputs } : {}),
    ...(options.referencedStacks ? { referencedStacks: options.referencedStacks } : {}),
  });
  let error: Error | undefined;
  let outputs: Record<string, unknown> = {};
  // A failure inside an apply surfaces as an unhandled rejection, as it does under the engine.
  // A program that refuses its stack throws a RunError at load, caught below; the SDK's own
  // promises then reject with it again, possibly late: those echoes are not new failures.
  const onRejection = (reason: unknown): void => {
    if (typeof reason === "object" && reason !== null && "__pulumiRunError" in reason) return;
    error ??= reason instanceof Error ? reason : new Error(String(reason));
  };
  process.on("unhandledRejection", onRejection);
  try {
    // As the Pulumi Node host does: a program that exports a function is that function's result.
    const exported = await pulumi.runtime.runInPulumiStack(async () => {
      const loaded = options.load();
      return (typeof loaded === "function" ? await (loaded as () => unknown)() : loaded) as Record<string, unknown>;
    });
    outputs = ((await resolveDeep(exported)) ?? {}) as Record<string, unknown>;
  } catch (e) {
    error = e instanceof Error ? e : new Error(String(e));
  }
  await recording.settle();
  process.off("unhandledRejection", onRejection);
  return { resources: recording.resources.filter((r) => r.type !== "pulumi:pulumi:Stack"), outputs, error, invokes: recording.invokes, reads: recording.reads };
}

/** Config map from a plain object: objects and arrays become JSON text, as the engine passes them. */
export function configFrom(values: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
}
