/**
 * Which generations of a generated secret are live and which config vars they
 * fill: pure rules, shared by the GeneratedSecrets component and the checks
 * that run before anything is registered.
 */
import type * as pulumi from "@pulumi/pulumi";

/** One generated variable: what to draw, and which generation is live. */
export interface GeneratedSecretArgs {
  /**
   * `hex`: lowercase hex of `bytes` random bytes. `base64`: standard base64.
   * `fernet`: a Fernet key (32 random bytes, URL-safe base64 with padding, 44 characters).
   */
  readonly kind: "hex" | "base64" | "fernet";
  /**
   * Random bytes to draw, 16 to 1024. Fernet keys are always 32.
   * @default 32
   */
  readonly bytes?: number;
  /**
   * What happens to the previous generation's value after a rotation:
   * `none` drops it; `previous-var` puts it in `<VAR>_PREVIOUS`; `key-list`
   * makes `<VAR>` hold `current,previous` (newest first). Use the last two for
   * keys that sign or encrypt, so a rotation breaks no session and loses no data.
   * @default "none"
   */
  readonly keepPrevious?: "none" | "previous-var" | "key-list";
  /**
   * Current generation. Bumping it (in stack config) rotates the value.
   * Generation 0 is the `adopted` value; generated ones start at 1.
   * @example 2
   */
  readonly generation: number;
  /**
   * The value an existing app already uses (a secret the operator provides),
   * kept as generation 0 so that adopting an app loses no session and no
   * encrypted data: it stays current until the first rotation, then previous.
   */
  readonly adopted?: pulumi.Input<string>;
}

/** One live generation of a variable: a RandomBytes resource that exists now. */
export interface LiveGeneration {
  readonly generation: number;
  readonly role: "current" | "previous";
  /** Registered with `protect`: only a kept key's current generation, so rotations never hit a protected delete. */
  readonly protect: boolean;
}

/** What exists for one variable, and which config vars it yields. */
export interface VariablePlan {
  readonly variable: string;
  readonly kind: GeneratedSecretArgs["kind"];
  readonly bytes: number;
  /** Current first. */
  readonly live: readonly LiveGeneration[];
  /** Config vars this variable yields and what each holds. */
  readonly outputs: Readonly<Record<string, "current" | "previous" | "current,previous">>;
}

export const ENV_NAME = /^[A-Z][A-Z0-9_]*$/;
export const FERNET_BYTES = 32;

/** Which generations of a variable exist and which config vars it yields. */
export function variablePlan(variable: string, spec: GeneratedSecretArgs, protect = false): VariablePlan {
  const n = spec.generation;
  const keep = spec.keepPrevious ?? "none";
  const oldest = spec.adopted === undefined ? 1 : 0;
  const withPrevious = keep !== "none" && n - 1 >= oldest;
  const live: LiveGeneration[] = [{ generation: n, role: "current", protect: protect && keep !== "none" }];
  if (withPrevious) live.push({ generation: n - 1, role: "previous", protect: false });
  const outputs: Record<string, "current" | "previous" | "current,previous"> = {};
  outputs[variable] = withPrevious && keep === "key-list" ? "current,previous" : "current";
  if (withPrevious && keep === "previous-var") outputs[`${variable}_PREVIOUS`] = "previous";
  return {
    variable,
    kind: spec.kind,
    bytes: spec.kind === "fernet" ? FERNET_BYTES : (spec.bytes ?? 32),
    live,
    outputs,
  };
}

/** Every config-var name the secrets yield, sorted: known before deploy, so previews list them. */
export function secretVariableNames(secrets: Readonly<Record<string, GeneratedSecretArgs>>): string[] {
  return Object.entries(secrets)
    .flatMap(([variable, spec]) => Object.keys(variablePlan(variable, spec).outputs))
    .sort();
}

/** A Fernet key from the standard base64 of 32 bytes: URL-safe alphabet, `=` padding kept (44 characters). */
export function fernetKeyFromBase64(base64: string): string {
  return base64.replaceAll("+", "-").replaceAll("/", "_");
}

/** Logical name of one generation's RandomBytes: `<component>-<var in kebab case>-g<n>`. */
export function generationResourceName(component: string, variable: string, generation: number): string {
  return `${component}-${variable.toLowerCase().replaceAll("_", "-")}-g${generation}`;
}
