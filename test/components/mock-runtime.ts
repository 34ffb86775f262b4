/**
 * A small recording mock runtime for component tests: installs Pulumi's mock
 * monitor, records every registration as the engine would receive it (type,
 * name, parent, provider, inputs with secrets unwrapped, which inputs are
 * secret, protect and retainOnDelete), and answers the invokes components
 * make. The whole-program harness is test/harness/program.ts; this one builds
 * single components, which need no dynamic providers and so load through
 * vitest as usual.
 */
import * as pulumi from "@pulumi/pulumi";
import * as settingsModule from "@pulumi/pulumi/runtime/settings";

const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_VALUE = "1b47061264138c4ac30d75fd1eb44270";

interface RequestLike {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getProtect(): boolean;
  getRetainondelete?(): boolean;
  getProvider(): string;
  getDependenciesList(): string[];
  getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
}
interface MonitorLike {
  registerResource(req: RequestLike, callback: (err: unknown, res: unknown) => void): unknown;
}
const settings = settingsModule as unknown as { getMonitor(): MonitorLike | undefined; waitForRPCs(): Promise<void> };

export interface Recorded {
  readonly type: string;
  readonly name: string;
  readonly custom: boolean;
  /** URN of the parent ("" at the root). */
  readonly parent: string;
  /** `<provider urn>::<id>` for explicit providers, "" for the default one. */
  readonly provider: string;
  /** Inputs with secrets unwrapped. */
  readonly inputs: Record<string, unknown>;
  /** Top-level input keys whose value was (or held) a Pulumi secret. */
  readonly secretInputs: readonly string[];
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
  readonly dependencies: readonly string[];
  urn: string;
}

export interface MockOptions {
  /** Run as a preview: outputs the mocks do not give are unknown. @default false */
  readonly preview?: boolean;
  /** Computed outputs per resource, merged over its inputs (inputs arrive with secrets unwrapped). */
  readonly outputs?: (type: string, name: string, inputs: Record<string, unknown>) => Record<string, unknown>;
}

export interface Recording {
  readonly resources: Recorded[];
  readonly invokes: { token: string; inputs: Record<string, unknown> }[];
  /** Waits until every registration has reached the monitor. */
  settle(): Promise<void>;
  /** The resources of one type. */
  ofType(type: string): Recorded[];
  /** The resource with this logical name; throws when absent. */
  named(name: string): Recorded;
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

function invoke(token: string, inputs: Record<string, unknown>): Record<string, unknown> {
  if (token === "cloudflare:index/getZone:getZone") {
    return { id: inputs["zoneId"] ?? "zone-id", name: "example.com", status: "active", account: { id: "account-from-zone" } };
  }
  throw new Error(`unexpected invoke ${token}: the component mock runtime does not know it`);
}

/** Installs a fresh mock monitor and starts recording. Construct components after awaiting it. */
export async function startMocks(options: MockOptions = {}): Promise<Recording> {
  const resources: Recorded[] = [];
  const invokes: { token: string; inputs: Record<string, unknown> }[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
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
    "test",
    options.preview ?? false,
  );
  const monitor = settings.getMonitor();
  if (!monitor) throw new Error("the mock monitor was not installed");
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) => {
    const raw = req.getObject()?.toJavaScript() ?? {};
    const record: Recorded = {
      type: req.getType(),
      name: req.getName(),
      custom: req.getCustom(),
      parent: req.getParent(),
      provider: req.getProvider(),
      inputs: unwrapSecrets(raw) as Record<string, unknown>,
      secretInputs: Object.keys(raw).filter((k) => containsSecret(raw[k])),
      protect: req.getProtect(),
      retainOnDelete: req.getRetainondelete?.() ?? false,
      dependencies: req.getDependenciesList(),
      urn: "",
    };
    resources.push(record);
    return register(req, (err, res) => {
      const urn = (res as { getUrn?(): string } | undefined)?.getUrn?.();
      if (urn) record.urn = urn;
      callback(err, res);
    });
  };
  return {
    resources,
    invokes,
    settle: () => settings.waitForRPCs(),
    ofType: (type) => resources.filter((r) => r.type === type),
    named(name) {
      const found = resources.find((r) => r.name === name);
      if (!found) throw new Error(`no resource named ${name}; registered: ${resources.map((r) => r.name).join(", ")}`);
      return found;
    },
  };
}

export interface Resolved<T> {
  readonly value: T | undefined;
  readonly known: boolean;
  readonly secret: boolean;
}

/** An Output's value, whether it is known and whether it is secret (never hangs on unknowns). */
export async function resolve<T>(output: pulumi.Output<T>): Promise<Resolved<T>> {
  const internal = output as unknown as { isKnown: Promise<boolean>; isSecret: Promise<boolean>; promise(withUnknowns?: boolean): Promise<T> };
  const [known, secret, value] = await Promise.all([internal.isKnown, internal.isSecret, internal.promise(true)]);
  return { value: known ? value : undefined, known, secret };
}
