/**
 * Reads `Pulumi.yaml` and `Pulumi.<stack>.yaml` the way the Pulumi CLI hands
 * them to a program: a flat `namespace:key` → text map (objects and arrays as
 * JSON text, project defaults filled in) and the list of secret keys. Values
 * stored as `secure:` cannot be decrypted offline; they become a placeholder
 * and stay secret.
 */
import fs from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { z } from "zod";
import { SECRET_STAND_IN, URL_STAND_IN } from "../../stacks/stand-ins";

/** Keys whose values are maps of connection URLs. */
const URL_KEYS = new Set(["fleet:databaseUrls"]);

const projectSchema = z.object({
  name: z.string(),
  config: z
    .record(
      z.string(),
      z.union([z.string(), z.number(), z.boolean(), z.object({ default: z.unknown().optional(), value: z.unknown().optional() }).loose()]),
    )
    .optional(),
});
const stackFileSchema = z.object({ config: z.record(z.string(), z.unknown()).nullish() }).loose();

export interface StackFiles {
  readonly project: string;
  readonly config: Record<string, string>;
  readonly secretKeys: string[];
}

/**
 * A stack file that cannot be read. `argument`: the stack named does not exist
 * (a bad argument); `config`: a file exists but is not usable configuration.
 */
export class StackFileError extends Error {
  override name = "StackFileError";
  constructor(
    message: string,
    readonly kind: "argument" | "config" = "config",
  ) {
    super(message);
  }
}

/** Stacks that have a `Pulumi.<stack>.yaml` next to `Pulumi.yaml`. */
export function availableStacks(root: string): string[] {
  return fs
    .readdirSync(root)
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
}

function isSecure(value: unknown): value is { secure: string } {
  return typeof value === "object" && value !== null && Object.keys(value).length === 1 && "secure" in value;
}

/** Replaces `secure:` leaves by the placeholder and tells whether there were any. */
function decryptOffline(value: unknown, placeholder: string): { value: unknown; secret: boolean } {
  if (isSecure(value)) return { value: placeholder, secret: true };
  if (Array.isArray(value)) {
    const items = value.map((v) => decryptOffline(v, placeholder));
    return { value: items.map((i) => i.value), secret: items.some((i) => i.secret) };
  }
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value).map(([k, v]) => [k, decryptOffline(v, placeholder)] as const);
    return { value: Object.fromEntries(entries.map(([k, v]) => [k, v.value])), secret: entries.some(([, v]) => v.secret) };
  }
  return { value, secret: false };
}

/** What an offline secret stands in for, shaped like the real value where the program parses it. */
export function placeholderFor(key: string): string {
  return URL_KEYS.has(key) ? URL_STAND_IN : SECRET_STAND_IN;
}

function asText(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

function readYaml(file: string): unknown {
  try {
    return parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new StackFileError(`${path.basename(file)} is not readable YAML: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export function readStackFiles(root: string, stack: string): StackFiles {
  const stacks = availableStacks(root);
  if (!stacks.includes(stack)) {
    throw new StackFileError(
      `there is no stack '${stack}': no Pulumi.${stack}.yaml. Stacks: ${stacks.join(", ") || "none"} (a new stack needs its file: copy one, set fleet:tier, then \`pulumi stack init ${stack}\`)`,
      "argument",
    );
  }
  const project = projectSchema.safeParse(readYaml(path.join(root, "Pulumi.yaml")));
  if (!project.success) throw new StackFileError(`Pulumi.yaml is not a Pulumi project file: ${project.error.message}`);
  const stackFile = stackFileSchema.safeParse(readYaml(path.join(root, `Pulumi.${stack}.yaml`)) ?? {});
  if (!stackFile.success) throw new StackFileError(`Pulumi.${stack}.yaml has no readable config map: ${stackFile.error.message}`);

  const name = project.data.name;
  const qualify = (key: string): string => (key.includes(":") ? key : `${name}:${key}`);
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, declared] of Object.entries(project.data.config ?? {})) {
    if (typeof declared === "object" && declared !== null) {
      const value = declared.value ?? declared.default;
      if (value !== undefined) config[qualify(key)] = asText(value);
    } else {
      config[qualify(key)] = asText(declared);
    }
  }
  for (const [key, raw] of Object.entries(stackFile.data.config ?? {})) {
    const { value, secret } = decryptOffline(raw, placeholderFor(qualify(key)));
    config[qualify(key)] = asText(value);
    if (secret) secretKeys.push(qualify(key));
  }
  return { project: name, config, secretKeys };
}
