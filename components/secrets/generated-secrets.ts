import { throwArgsProblems, type ArgsProblem } from "../args-problems";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import {
  ENV_NAME,
  FERNET_BYTES,
  fernetKeyFromBase64,
  generationResourceName,
  secretVariableNames,
  variablePlan,
  type GeneratedSecretArgs,
  type LiveGeneration,
  type VariablePlan,
} from "./generation-plan";

export {
  fernetKeyFromBase64,
  generationResourceName,
  secretVariableNames,
  variablePlan,
  type GeneratedSecretArgs,
  type LiveGeneration,
  type VariablePlan,
} from "./generation-plan";

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
