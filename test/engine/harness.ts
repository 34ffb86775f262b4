/**
 * Drive a dynamic provider through the SDK's own dynamic-provider host over
 * gRPC, the way the Pulumi engine does (pulumi-facts.md §2.6):
 * GetPluginInfo → Configure (with args) → Check / Diff / Create / Read /
 * Update / Delete, every property set carrying `__provider`, secrets
 * unwrapped before CRUD calls (the host does not accept secrets), a deadline
 * on every call, SIGTERM at the end.
 *
 * @example
 * const provider = await loadProvider("components/heroku/providers/app.ts", "appProvider");
 * const engine = await startEngineHarness({ env: heroku.env });
 * const { id, outputs } = await engine.create(provider, { name: "shop-staging" });
 * await engine.close();
 */
import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import type * as grpc from "@grpc/grpc-js";
import type * as structPb from "google-protobuf/google/protobuf/struct_pb";
import type * as providerPb from "@pulumi/pulumi/proto/provider_pb";
import { DynamicProviderHost, type HostOptions } from "./host";
import type { SerializedProvider } from "./load-provider";
import { EngineResource, type ResourceOptions } from "./resource";
import { PROVIDER_KEY, unwrapMap, withoutProvider, type PropertyMap, type PropertyValue } from "./values";

const nodeRequire = createRequire(__filename);
const protoRequire = createRequire(nodeRequire.resolve("@pulumi/pulumi/proto/provider_pb"));
const grpcJs = protoRequire("@grpc/grpc-js") as typeof import("@grpc/grpc-js");
const provproto = protoRequire("./provider_pb") as typeof import("@pulumi/pulumi/proto/provider_pb");
const provrpc = protoRequire("./provider_grpc_pb") as typeof import("@pulumi/pulumi/proto/provider_grpc_pb");
const statusproto = protoRequire("./status_pb") as typeof import("@pulumi/pulumi/proto/status_pb");
const structproto = protoRequire("google-protobuf/google/protobuf/struct_pb") as typeof import("google-protobuf/google/protobuf/struct_pb");
const emptyproto = protoRequire("google-protobuf/google/protobuf/empty_pb") as typeof import("google-protobuf/google/protobuf/empty_pb");

export interface EngineHarnessOptions extends HostOptions {
  /**
   * Stack config handed to Configure, namespaces kept (`"fleet:herokuTeam"`);
   * wrap secret values with `secret()`. @default {}
   */
  readonly config?: PropertyMap;
  /** Deadline of every gRPC call. @default 20000 */
  readonly deadlineMs?: number;
  /** Stack name used in URNs. @default "test" */
  readonly stack?: string;
}

/** Identifies the resource a call is about (URNs carry the type and name). */
export interface CallTarget {
  /** Logical name. @default "resource" */
  readonly name?: string;
  /** The dynamic type token, e.g. `pulumi-nodejs:dynamic/heroku:App`. @default "pulumi-nodejs:dynamic:Resource" */
  readonly type?: string;
}

export interface CheckResult {
  /** Checked inputs, without `__provider`. */
  readonly inputs: PropertyMap;
  readonly failures: ReadonlyArray<{ readonly property: string; readonly reason: string }>;
}

export interface DiffResult {
  /** `unknown` when the provider left `changes` undefined (the engine then compares inputs itself). */
  readonly changes: "some" | "none" | "unknown";
  readonly replaces: readonly string[];
  readonly deleteBeforeReplace: boolean;
}

export interface CreateResult {
  readonly id: string;
  /** Outputs, without `__provider`. */
  readonly outputs: PropertyMap;
}

export interface ReadResult {
  /** "" when the provider says the object is gone. */
  readonly id: string;
  readonly outputs: PropertyMap;
  /** Inputs the provider returned to replace the stored ones (3.216+), if any. */
  readonly inputs: PropertyMap | undefined;
}

/** A failed gRPC call: the provider threw (code 2 = UNKNOWN), or the host broke. */
export class EngineCallError extends Error {
  constructor(
    readonly method: string,
    readonly code: number,
    readonly details: string,
    /** Set when Create/Update threw an error carrying `id`: the object exists but failed to initialise. */
    readonly initFailure: { readonly id: string; readonly properties: PropertyMap; readonly reasons: readonly string[] } | undefined,
  ) {
    super(`${method} failed (gRPC ${code}): ${details}`);
    this.name = "EngineCallError";
  }
}

type Callback<Res> = (error: grpc.ServiceError | null, response: Res) => void;
type UnaryMethod<Req, Res> = (request: Req, metadata: grpc.Metadata, options: Partial<grpc.CallOptions>, callback: Callback<Res>) => grpc.ClientUnaryCall;

function toStruct(map: PropertyMap): structPb.Struct {
  return structproto.Struct.fromJavaScript(map);
}

function fromStruct(struct: structPb.Struct | undefined): PropertyMap {
  return struct ? (struct.toJavaScript() as PropertyMap) : {};
}

function initFailureOf(error: grpc.ServiceError): EngineCallError["initFailure"] {
  const [raw] = error.metadata?.get("grpc-status-details-bin") ?? [];
  if (raw === undefined || typeof raw === "string") return undefined;
  const status = statusproto.Status.deserializeBinary(raw);
  for (const detail of status.getDetailsList()) {
    const failed = detail.unpack(provproto.ErrorResourceInitFailed.deserializeBinary, "pulumirpc.ErrorResourceInitFailed");
    if (failed) return { id: failed.getId(), properties: fromStruct(failed.getProperties()), reasons: failed.getReasonsList() };
  }
  return undefined;
}

export class EngineHarness {
  private constructor(
    readonly host: DynamicProviderHost,
    private readonly client: InstanceType<typeof provrpc.ResourceProviderClient>,
    private readonly options: EngineHarnessOptions,
  ) {}

  /** Start a host, GetPluginInfo and Configure it (with `options.config` as args). */
  static async start(options: EngineHarnessOptions = {}): Promise<EngineHarness> {
    const host = await DynamicProviderHost.start(options);
    const client = new provrpc.ResourceProviderClient(host.address, grpcJs.credentials.createInsecure());
    const harness = new EngineHarness(host, client, options);
    try {
      await harness.getPluginInfo();
      await harness.configure(options.config ?? {});
    } catch (error) {
      await harness.close();
      throw error;
    }
    return harness;
  }

  /** All the host printed on stdout (its port line, provider console output, `pulumi.log` without an engine). */
  get stdout(): string {
    return this.host.stdout;
  }

  get stderr(): string {
    return this.host.stderr;
  }

  urn(target: CallTarget = {}): string {
    return `urn:pulumi:${this.options.stack ?? "test"}::${this.options.project ?? "fleet"}::${target.type ?? "pulumi-nodejs:dynamic:Resource"}::${target.name ?? "resource"}`;
  }

  async getPluginInfo(): Promise<{ version: string }> {
    const info = await this.unary("GetPluginInfo", (r: import("google-protobuf/google/protobuf/empty_pb").Empty, m, o, cb: Callback<import("@pulumi/pulumi/proto/plugin_pb").PluginInfo>) =>
      this.client.getPluginInfo(r, m, o, cb),
    new emptyproto.Empty());
    return { version: info.getVersion() };
  }

  /** Configure as the engine does: args = the stack config (secrets wrapped; the host unwraps them). */
  async configure(config: PropertyMap): Promise<{ acceptSecrets: boolean; supportsPreview: boolean }> {
    const request = new provproto.ConfigureRequest();
    request.setArgs(toStruct(config));
    request.setAcceptsecrets(true);
    request.setAcceptresources(true);
    request.setSendsOldInputs(true);
    request.setSendsOldInputsToDelete(true);
    const response = await this.unary("Configure", (r, m, o, cb: Callback<providerPb.ConfigureResponse>) => this.client.configure(r, m, o, cb), request);
    return { acceptSecrets: response.getAcceptsecrets(), supportsPreview: response.getSupportspreview() };
  }

  /** Check(olds = previous inputs, {} on create; news = new inputs). Unknowns (`UNKNOWN`) may appear in news. */
  async check(provider: SerializedProvider, olds: PropertyMap, news: PropertyMap, target: CallTarget = {}): Promise<CheckResult> {
    const request = new provproto.CheckRequest();
    this.identify(request, target);
    request.setOlds(toStruct(this.withProvider(provider, olds, Object.keys(olds).length > 0)));
    request.setNews(toStruct(this.withProvider(provider, news)));
    request.setRandomseed(randomBytes(32));
    const response = await this.unary("Check", (r, m, o, cb: Callback<providerPb.CheckResponse>) => this.client.check(r, m, o, cb), request);
    return {
      inputs: withoutProvider(fromStruct(response.getInputs())),
      failures: response.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })),
    };
  }

  /** Every CRUD request names the resource the same way: its URN, name and type. */
  private identify(request: { setUrn(v: string): unknown; setName(v: string): unknown; setType(v: string): unknown }, target: CallTarget): void {
    request.setUrn(this.urn(target));
    request.setName(target.name ?? "resource");
    request.setType(target.type ?? "pulumi-nodejs:dynamic:Resource");
  }

  /** Diff and Update both carry the previous outputs, the checked inputs and the previous inputs. */
  private setStates(
    request: { setOlds(v: ReturnType<typeof toStruct>): unknown; setNews(v: ReturnType<typeof toStruct>): unknown; setOldInputs(v: ReturnType<typeof toStruct>): unknown },
    provider: SerializedProvider,
    olds: PropertyMap,
    news: PropertyMap,
    oldInputs: PropertyMap,
  ): void {
    request.setOlds(toStruct(this.withProvider(provider, olds)));
    request.setNews(toStruct(this.withProvider(provider, news)));
    request.setOldInputs(toStruct(this.withProvider(provider, oldInputs)));
  }

  /** Diff(olds = previous outputs, news = checked inputs, oldInputs = previous inputs). */
  async diff(
    provider: SerializedProvider,
    id: string,
    olds: PropertyMap,
    news: PropertyMap,
    oldInputs: PropertyMap = {},
    target: CallTarget = {},
  ): Promise<DiffResult> {
    const request = new provproto.DiffRequest();
    request.setId(id);
    this.identify(request, target);
    this.setStates(request, provider, olds, news, oldInputs);
    const response = await this.unary("Diff", (r, m, o, cb: Callback<providerPb.DiffResponse>) => this.client.diff(r, m, o, cb), request);
    const changes = response.getChanges();
    return {
      changes:
        changes === provproto.DiffResponse.DiffChanges.DIFF_SOME ? "some" : changes === provproto.DiffResponse.DiffChanges.DIFF_NONE ? "none" : "unknown",
      replaces: response.getReplacesList(),
      deleteBeforeReplace: response.getDeletebeforereplace(),
    };
  }

  async create(provider: SerializedProvider, inputs: PropertyMap, target: CallTarget = {}): Promise<CreateResult> {
    const request = new provproto.CreateRequest();
    this.identify(request, target);
    request.setProperties(toStruct(this.withProvider(provider, inputs)));
    request.setTimeout(this.deadlineMs() / 1000);
    const response = await this.unary("Create", (r, m, o, cb: Callback<providerPb.CreateResponse>) => this.client.create(r, m, o, cb), request);
    return { id: response.getId(), outputs: withoutProvider(fromStruct(response.getProperties())) };
  }

  /** Read (refresh): properties = previous outputs, inputs = previous inputs. */
  async read(provider: SerializedProvider, id: string, properties: PropertyMap, inputs: PropertyMap = {}, target: CallTarget = {}): Promise<ReadResult> {
    const request = new provproto.ReadRequest();
    request.setId(id);
    this.identify(request, target);
    request.setProperties(toStruct(this.withProvider(provider, properties)));
    request.setInputs(toStruct(this.withProvider(provider, inputs)));
    const response = await this.unary("Read", (r, m, o, cb: Callback<providerPb.ReadResponse>) => this.client.read(r, m, o, cb), request);
    const returnedInputs = response.getInputs();
    return {
      id: response.getId(),
      outputs: withoutProvider(fromStruct(response.getProperties())),
      inputs: returnedInputs ? withoutProvider(fromStruct(returnedInputs)) : undefined,
    };
  }

  /** Update(olds = previous outputs, news = checked inputs, oldInputs = previous inputs). */
  async update(
    provider: SerializedProvider,
    id: string,
    olds: PropertyMap,
    news: PropertyMap,
    oldInputs: PropertyMap = {},
    target: CallTarget = {},
  ): Promise<{ outputs: PropertyMap }> {
    const request = new provproto.UpdateRequest();
    request.setId(id);
    this.identify(request, target);
    this.setStates(request, provider, olds, news, oldInputs);
    request.setTimeout(this.deadlineMs() / 1000);
    const response = await this.unary("Update", (r, m, o, cb: Callback<providerPb.UpdateResponse>) => this.client.update(r, m, o, cb), request);
    return { outputs: withoutProvider(fromStruct(response.getProperties())) };
  }

  /** Delete: properties = previous outputs. */
  async delete(provider: SerializedProvider, id: string, properties: PropertyMap, oldInputs: PropertyMap = {}, target: CallTarget = {}): Promise<void> {
    const request = new provproto.DeleteRequest();
    request.setId(id);
    this.identify(request, target);
    request.setProperties(toStruct(this.withProvider(provider, properties)));
    request.setOldInputs(toStruct(this.withProvider(provider, oldInputs)));
    request.setTimeout(this.deadlineMs() / 1000);
    await this.unary("Delete", (r, m, o, cb: Callback<import("google-protobuf/google/protobuf/empty_pb").Empty>) => this.client.delete(r, m, o, cb), request);
  }

  /** A resource whose state this harness keeps, driven through up/preview/refresh/destroy like the engine does. */
  resource(provider: SerializedProvider, name: string, options: ResourceOptions = {}): EngineResource {
    return new EngineResource(this, provider, name, options);
  }

  async close(): Promise<void> {
    this.client.close();
    await this.host.stop();
  }

  private deadlineMs(): number {
    return this.options.deadlineMs ?? 20_000;
  }

  /** Every property set the engine sends carries `__provider`, with secrets unwrapped (the host does not accept them). */
  private withProvider(provider: SerializedProvider, map: PropertyMap, include = true): PropertyMap {
    const plain = unwrapMap(map);
    return include ? { ...plain, [PROVIDER_KEY]: provider.text } : plain;
  }

  private unary<Req, Res>(method: string, fn: UnaryMethod<Req, Res>, request: Req): Promise<Res> {
    return new Promise<Res>((resolve, reject) => {
      const metadata = new grpcJs.Metadata();
      fn(request, metadata, { deadline: Date.now() + this.deadlineMs() }, (error, response) => {
        if (error) {
          reject(new EngineCallError(method, error.code, error.details, initFailureOf(error)));
          return;
        }
        resolve(response);
      });
    });
  }
}

export function startEngineHarness(options: EngineHarnessOptions = {}): Promise<EngineHarness> {
  return EngineHarness.start(options);
}

export type { PropertyMap, PropertyValue };
