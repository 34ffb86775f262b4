/**
 * One resource's life as the engine runs it, with the state the engine
 * would store:
 * - `up(inputs)`: Check (olds = stored inputs) → Create, or Diff (olds =
 *   stored outputs) → nothing / Update / Replace. A Diff that leaves
 *   `changes` undefined makes the engine compare old and new inputs itself
 *   (an update at most, never a replace). Replacement creates the new object
 *   first and deletes the old one after, unless `deleteBeforeReplace`.
 * - `preview(inputs)`: Check and Diff only (the host does not support preview Creates).
 * - `refresh()`: Read with the stored outputs and inputs; an empty id drops the state.
 * - `destroy()`: Delete with the stored outputs.
 *
 * Secrets: outputs whose top-level key was a secret input, and keys listed
 * in `additionalSecretOutputs`, are stored encrypted; `plaintextState()` shows
 * the state as it would be written, secret values masked.
 */
import type { EngineHarness } from "./harness";
import type { SerializedProvider } from "./load-provider";
import { sameValue, secretKeys, unwrapMap, type PropertyMap } from "./values";

export interface ResourceOptions {
  /** The dynamic type token. @default "pulumi-nodejs:dynamic:Resource" */
  readonly type?: string;
  /** Output keys stored as secrets although no secret input fed them (the resource option of the same name). */
  readonly additionalSecretOutputs?: readonly string[];
  /** The resource option: delete the old object before creating its replacement. */
  readonly deleteBeforeReplace?: boolean;
}

export interface ResourceState {
  readonly id: string;
  /** Checked inputs (plain values). */
  readonly inputs: PropertyMap;
  readonly outputs: PropertyMap;
  /** Top-level keys the engine stores encrypted. */
  readonly secretKeys: ReadonlySet<string>;
}

export type StepOp = "create" | "update" | "replace" | "same";

export interface StepResult {
  readonly op: StepOp;
  /** Properties the provider said force a replacement. */
  readonly replaces: readonly string[];
  /** The gRPC calls made, in order (e.g. ["Check", "Diff", "Create", "Delete"]). */
  readonly calls: readonly string[];
}

export interface RefreshResult {
  /** `delete`: the provider reported it gone; `update`: the outputs changed (drift). */
  readonly op: "same" | "update" | "delete";
  /** Top-level output keys whose value changed. */
  readonly changed: readonly string[];
}

export class CheckFailedError extends Error {
  constructor(readonly failures: ReadonlyArray<{ readonly property: string; readonly reason: string }>) {
    super(`Check failed: ${failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`);
    this.name = "CheckFailedError";
  }
}

export class EngineResource {
  private current: ResourceState | undefined;

  constructor(
    private readonly engine: EngineHarness,
    private readonly provider: SerializedProvider,
    readonly name: string,
    private readonly options: ResourceOptions = {},
  ) {}

  get state(): ResourceState | undefined {
    return this.current;
  }

  get id(): string {
    if (!this.current) throw new Error(`${this.name} has no state`);
    return this.current.id;
  }

  get outputs(): PropertyMap {
    if (!this.current) throw new Error(`${this.name} has no state`);
    return this.current.outputs;
  }

  /** Adopt a state (e.g. carried over from another harness, or to simulate an old provider's outputs). */
  setState(state: ResourceState | undefined): void {
    this.current = state;
  }

  async preview(inputs: PropertyMap): Promise<StepResult> {
    return this.plan(inputs, false);
  }

  async up(inputs: PropertyMap): Promise<StepResult> {
    return this.plan(inputs, true);
  }

  async refresh(): Promise<RefreshResult> {
    const state = this.requireState();
    const read = await this.engine.read(this.provider, state.id, state.outputs, state.inputs, this.target());
    if (read.id === "") {
      this.current = undefined;
      return { op: "delete", changed: Object.keys(state.outputs) };
    }
    const keys = new Set([...Object.keys(state.outputs), ...Object.keys(read.outputs)]);
    const changed = [...keys].filter((k) => !sameValue(state.outputs[k], read.outputs[k]));
    this.current = { ...state, id: read.id, outputs: read.outputs, inputs: read.inputs ?? state.inputs };
    return { op: changed.length > 0 ? "update" : "same", changed };
  }

  async destroy(): Promise<void> {
    const state = this.requireState();
    await this.engine.delete(this.provider, state.id, state.outputs, state.inputs, this.target());
    this.current = undefined;
  }

  /** The state as the engine writes it to the backend: secret keys masked, everything else in plaintext. */
  plaintextState(): string {
    if (!this.current) return "null";
    const mask = (map: PropertyMap): PropertyMap =>
      Object.fromEntries(Object.entries(map).map(([k, v]) => [k, this.current?.secretKeys.has(k) ? "[secret]" : v]));
    return JSON.stringify({ id: this.current.id, inputs: mask(this.current.inputs), outputs: mask(this.current.outputs) });
  }

  private async plan(rawInputs: PropertyMap, apply: boolean): Promise<StepResult> {
    const calls: string[] = ["Check"];
    const state = this.current;
    const checked = await this.engine.check(this.provider, state?.inputs ?? {}, rawInputs, this.target());
    if (checked.failures.length > 0) throw new CheckFailedError(checked.failures);
    const inputs = unwrapMap(checked.inputs);
    const secrets = new Set([...secretKeys(rawInputs), ...(this.options.additionalSecretOutputs ?? [])]);

    if (!state) {
      if (apply) {
        calls.push("Create");
        const created = await this.engine.create(this.provider, inputs, this.target());
        this.current = { id: created.id, inputs, outputs: created.outputs, secretKeys: secrets };
      }
      return { op: "create", replaces: [], calls };
    }

    calls.push("Diff");
    const diff = await this.engine.diff(this.provider, state.id, state.outputs, inputs, state.inputs, this.target());
    let op: StepOp;
    if (diff.changes === "none") op = "same";
    else if (diff.changes === "unknown") op = sameValue(state.inputs, inputs) ? "same" : "update";
    else op = diff.replaces.length > 0 ? "replace" : "update";
    if (!apply) return { op, replaces: diff.replaces, calls };

    if (op === "same") {
      this.current = { ...state, inputs, secretKeys: secrets };
    } else if (op === "update") {
      calls.push("Update");
      const updated = await this.engine.update(this.provider, state.id, state.outputs, inputs, state.inputs, this.target());
      this.current = { id: state.id, inputs, outputs: updated.outputs, secretKeys: secrets };
    } else if (diff.deleteBeforeReplace || this.options.deleteBeforeReplace) {
      calls.push("Delete", "Create");
      await this.engine.delete(this.provider, state.id, state.outputs, state.inputs, this.target());
      this.current = undefined;
      const created = await this.engine.create(this.provider, inputs, this.target());
      this.current = { id: created.id, inputs, outputs: created.outputs, secretKeys: secrets };
    } else {
      calls.push("Create", "Delete");
      const created = await this.engine.create(this.provider, inputs, this.target());
      this.current = { id: created.id, inputs, outputs: created.outputs, secretKeys: secrets };
      await this.engine.delete(this.provider, state.id, state.outputs, state.inputs, this.target());
    }
    return { op, replaces: diff.replaces, calls };
  }

  private requireState(): ResourceState {
    if (!this.current) throw new Error(`${this.name} has no state (create it with up() first)`);
    return this.current;
  }

  private target(): { name: string; type: string } {
    return { name: this.name, type: this.options.type ?? "pulumi-nodejs:dynamic:Resource" };
  }
}
