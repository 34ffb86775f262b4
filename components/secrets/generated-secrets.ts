import { throwArgsProblems, type ArgsProblem } from "../args-problems";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";

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

/** Secrets fleet generates for one app with `@pulumi/random`, rotated by generation numbers. */
export interface GeneratedSecretsArgs {
  /**
   * The variables to generate, by config-var name.
   * @example { SESSION_SECRET: { kind: "hex", generation: 1 }, TOKEN_KEY: { kind: "fernet", keepPrevious: "key-list", generation: 2 } }
   */
  readonly secrets: Readonly<Record<string, GeneratedSecretArgs>>;
  /**
   * Protect the current generation of every key that keeps its previous one
   * (`previous-var`, `key-list`) from deletion (production). The previous
   * generation is left unprotected, since the next rotation deletes it, and so
   * are `none` values, which every rotation deletes at once.
   * @default false
   */
  readonly protect?: boolean;
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

const ENV_NAME = /^[A-Z][A-Z0-9_]*$/;
const FERNET_BYTES = 32;

/** Everything wrong with the args, each with its fix (empty when they are fine). */
export function generatedSecretsProblems(args: GeneratedSecretsArgs): ArgsProblem[] {
  const problems: ArgsProblem[] = [];
  for (const [variable, spec] of Object.entries(args.secrets)) {
    if (!ENV_NAME.test(variable)) {
      problems.push({ what: `'${variable}' is not a config-var name`, fix: "use UPPER_SNAKE_CASE, starting with a letter" });
    }
    const lowest = spec.adopted === undefined ? 1 : 0;
    if (!Number.isInteger(spec.generation) || spec.generation < lowest) {
      problems.push({
        what: `${variable}: generation ${spec.generation} is not a whole number of at least ${lowest}`,
        fix:
          lowest === 0
            ? `set the generation to 0 to keep the adopted value, or higher to rotate ${variable}`
            : `set the generation to 1, or to the next whole number to rotate ${variable} (0 needs an adopted value)`,
      });
    }
    if (spec.bytes !== undefined && (!Number.isInteger(spec.bytes) || spec.bytes < 16 || spec.bytes > 1024)) {
      problems.push({ what: `${variable}: bytes ${spec.bytes} is outside 16–1024`, fix: "use 32 (the default) unless the consumer needs another length" });
    }
    if (spec.kind === "fernet" && spec.bytes !== undefined && spec.bytes !== FERNET_BYTES) {
      problems.push({ what: `${variable}: Fernet keys are 32 bytes, not ${spec.bytes}`, fix: "remove `bytes` (or set it to 32)" });
    }
  }
  for (const [variable, spec] of Object.entries(args.secrets)) {
    if (spec.keepPrevious === "previous-var" && `${variable}_PREVIOUS` in args.secrets) {
      problems.push({
        what: `${variable}_PREVIOUS is generated, but it is also where ${variable} keeps its previous value`,
        fix: `rename ${variable}_PREVIOUS, or give ${variable} keepPrevious "key-list"`,
      });
    }
  }
  return problems;
}

/** Throws one error listing every problem of the args, each with its fix. */
export function validateGeneratedSecrets(name: string, args: GeneratedSecretsArgs): void {
  throwArgsProblems("GeneratedSecrets", name, generatedSecretsProblems(args));
}

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

/**
 * Secrets an app's config vars get from fleet rather than from a person:
 * one `random.RandomBytes` per live generation of each variable. A generation
 * is its own resource (its number is in the logical name), so bumping it adds
 * exactly one new RandomBytes and leaves the previous one, and its value,
 * untouched in state; the one before that is deleted.
 *
 * @example Minimal
 * ```ts
 * const secrets = new GeneratedSecrets("shop-secrets", {
 *   secrets: { SESSION_SECRET: { kind: "hex", generation: 1 } },
 * });
 * // secrets.values: Output<{ SESSION_SECRET: "…64 hex…" }>, secret
 * ```
 *
 * @example Full: a JWT key with a grace period and an encryption key ring
 * ```ts
 * const secrets = new GeneratedSecrets("threads-api-secrets", {
 *   secrets: {
 *     JWT_SIGNING_KEY: { kind: "base64", bytes: 64, keepPrevious: "previous-var", generation: 3 },
 *     TOKEN_ENCRYPTION_KEYS: { kind: "fernet", keepPrevious: "key-list", generation: 2 },
 *   },
 *   protect: true,
 * }, { parent: this });
 * // values: JWT_SIGNING_KEY (g3), JWT_SIGNING_KEY_PREVIOUS (g2), TOKEN_ENCRYPTION_KEYS "g2,g1"
 * ```
 */
export class GeneratedSecrets extends pulumi.ComponentResource {
  /** Config-var name → value, for every variable in `names`. Secret. */
  readonly values: pulumi.Output<Record<string, string>>;
  /** The config-var names `values` holds, known at construction (sorted). */
  readonly names: readonly string[];

  constructor(name: string, args: GeneratedSecretsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("fleet:secrets:GeneratedSecrets", name, {}, opts);
    validateGeneratedSecrets(name, args);
    const protect = args.protect ?? false;

    const perVariable = Object.entries(args.secrets).map(([variable, spec]) => {
      const plan = variablePlan(variable, spec, protect);
      const values = new Map(
        plan.live.map((g) => [g.role, g.generation === 0 ? pulumi.secret(spec.adopted!) : this.createGeneration(name, plan, g)] as const),
      );
      return this.variableOutputs(plan, values);
    });

    this.names = secretVariableNames(args.secrets);
    this.values = pulumi.secret(pulumi.all(perVariable).apply((records) => Object.assign({}, ...records) as Record<string, string>));
    this.registerOutputs({ values: this.values });
  }

  /** One generation's random bytes, rendered in the variable's kind. */
  private createGeneration(name: string, plan: VariablePlan, live: LiveGeneration): pulumi.Output<string> {
    const bytes = new random.RandomBytes(
      generationResourceName(name, plan.variable, live.generation),
      { length: plan.bytes, keepers: { generation: String(live.generation) } },
      { parent: this, protect: live.protect },
    );
    switch (plan.kind) {
      case "hex":
        return pulumi.secret(bytes.hex);
      case "base64":
        return pulumi.secret(bytes.base64);
      case "fernet":
        return pulumi.secret(bytes.base64.apply(fernetKeyFromBase64));
    }
  }

  /** The config vars one variable yields, from the values of its live generations. */
  private variableOutputs(
    plan: VariablePlan,
    values: ReadonlyMap<LiveGeneration["role"], pulumi.Output<string>>,
  ): pulumi.Output<Record<string, string>> {
    const current = values.get("current")!;
    const previous = values.get("previous") ?? pulumi.output("");
    return pulumi.all([current, previous]).apply(([cur, prev]) =>
      Object.fromEntries(
        Object.entries(plan.outputs).map(([key, holds]) => [key, holds === "current" ? cur : holds === "previous" ? prev : `${cur},${prev}`]),
      ),
    );
  }
}
