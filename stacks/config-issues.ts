/**
 * Words for the schema's complaints about `Pulumi.<stack>.yaml`: where (the
 * config path), what was given and what is expected, and the command or edit
 * that fixes it. A value under a secret key, or one that looks like a
 * credential, is never repeated.
 */
import type { z } from "zod";
import { stackConfigSchema } from "./config-schema";
import { secretLooking } from "./secret-looking";
import { configRmCommand, configSetCommand, PROJECT } from "./stack-command";
import { tierSuggestedBy } from "./tiers";

export type Path = readonly (string | number)[];

/** What a custom issue of the schema may carry so the fix can name the right edit. */
export interface IssueParams {
  /** The database has more than one of owner/attach/external: these. */
  readonly databaseModes?: readonly string[];
}

export interface IssueWords {
  readonly where: string;
  readonly what: string;
  readonly fix: string;
}

export function issuePath(issue: z.core.$ZodIssue): (string | number)[] {
  return issue.path.filter((p): p is string | number => typeof p !== "symbol");
}

/** `fleet:apps.euterpe.formation.web.size` from a schema path. */
export function configPath(path: Path): string {
  const [top, ...rest] = path;
  return `${PROJECT}:${String(top ?? "")}${rest.map((p) => (typeof p === "number" ? `[${p}]` : `.${p}`)).join("")}`;
}

const TYPE_WORDS: Readonly<Record<string, string>> = {
  number: "a number",
  int: "a whole number",
  string: "text",
  boolean: "true or false",
  object: "a map of settings",
  record: "a map",
  array: "a list",
};

/** The given value in words; `hidden` when it sits under a secret key. */
export function describeGiven(input: unknown, hidden: boolean): string {
  if (input === null) return "empty";
  if (hidden) return "a secret value (not shown)";
  if (typeof input === "string") {
    if (secretLooking(input)) return "a value that looks like a secret (not shown)";
    const shown = input.length > 60 ? `${input.slice(0, 57)}…` : input;
    return `"${shown}" (text)`;
  }
  if (typeof input === "number") return `${input} (a number)`;
  if (typeof input === "boolean") return String(input);
  if (Array.isArray(input)) return "a list";
  if (typeof input === "object") return "a map";
  return String(input);
}

/** What a required setting holds, for the message that says it is missing. */
const REQUIRED_SETTINGS: Readonly<Record<string, string>> = {
  appPrefix: "the prefix of every Heroku app name (1–12 lowercase letters, digits or dashes, such as fleet)",
};

function expectedWords(issue: z.core.$ZodIssue): string | undefined {
  switch (issue.code) {
    case "invalid_type":
      return TYPE_WORDS[issue.expected] ?? issue.expected;
    case "invalid_value":
      return `one of ${issue.values.map(String).join(", ")}`;
    case "too_small":
      return issue.origin === "array" ? `at least ${issue.minimum} item(s)` : issue.origin === "string" ? `at least ${issue.minimum} character(s)` : `at least ${issue.minimum}`;
    case "too_big":
      return issue.origin === "array" ? `at most ${issue.maximum} item(s)` : issue.origin === "string" ? `at most ${issue.maximum} character(s)` : `at most ${issue.maximum}`;
    default:
      return undefined;
  }
}

/** A hint for the YAML mistakes people make most: quotes around numbers, numbers where text goes. */
function typeHint(issue: z.core.$ZodIssue): string {
  if (issue.code !== "invalid_type") return "";
  if ((issue.expected === "number" || issue.expected === "int") && typeof issue.input === "string") return " (write it without quotes)";
  if (issue.expected === "string" && (typeof issue.input === "number" || typeof issue.input === "boolean")) return " (YAML read it as a number or boolean: put it in quotes)";
  if (issue.expected === "array" && typeof issue.input === "string") return " (write it as a YAML list, one `- item` per line)";
  return "";
}

function whatOf(issue: z.core.$ZodIssue, hidden: boolean): string {
  // A map key the map does not accept: the key's own rule says why.
  if (issue.code === "invalid_key") return issue.issues[0]?.message ?? issue.message;
  if (issue.code === "unrecognized_keys") {
    return `unknown setting${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `'${k}'`).join(", ")}`;
  }
  const params = issue.code === "custom" ? (issue.params as IssueParams | undefined) : undefined;
  if (params?.databaseModes) return issue.message;
  const expected = expectedWords(issue);
  const missing = !("input" in issue) || issue.input === undefined;
  if (missing) {
    const path = issuePath(issue);
    const setting = path.length === 1 ? REQUIRED_SETTINGS[String(path[0])] : undefined;
    return setting || expected ? `is missing; expected ${setting ?? expected}` : issue.message;
  }
  const given = describeGiven(issue.input, hidden);
  if (issue.input === null) return `is empty; expected ${expected ?? "a value"}`;
  if (expected) return `is ${given}; expected ${expected}${typeHint(issue)}`;
  // The schema's own messages ("is not a Heroku dyno size…") read after the key; add the value unless they quote it.
  const quoted = typeof issue.input === "string" && issue.message.includes(issue.input);
  return quoted || hidden ? issue.message : `${issue.message} (given ${given})`;
}

function fixOf(stack: string, issue: z.core.$ZodIssue, path: Path, hidden: boolean): string {
  const key = configPath(path);
  const params = issue.code === "custom" ? (issue.params as IssueParams | undefined) : undefined;
  if (issue.code === "invalid_key") return `rename it in Pulumi.${stack}.yaml`;
  if (issue.code === "unrecognized_keys") {
    const known = knownKeysAt(path);
    return `remove or rename it in Pulumi.${stack}.yaml${known ? ` (known here: ${known})` : ""}`;
  }
  if (params?.databaseModes && params.databaseModes.length > 1) {
    const commands = params.databaseModes.map((m) => configRmCommand(stack, `${key}.${m}`, { path: true }));
    return `keep the one that describes the database and remove the other${commands.length > 2 ? "s" : ""}: ${commands.join(", or ")}`;
  }
  if (params?.databaseModes) {
    return `${configSetCommand(stack, `${key}.owner`, "<app that bills it>", { path: true })} (or describe it with attach or external instead)`;
  }
  const isTop = path.length === 1;
  const given = "input" in issue ? issue.input : undefined;
  if (isTop && path[0] === "tier") return configSetCommand(stack, key, tierSuggestedBy(stack));
  if (issue.code === "invalid_type" && issue.expected === "array" && given !== undefined) {
    return `${configRmCommand(stack, key)}; then ${configSetCommand(stack, `${key}[0]`, "<item>", { path: true })}, one index per item`;
  }
  if (issue.code === "invalid_type" && (issue.expected === "object" || issue.expected === "record") && given !== undefined) {
    if (isTop) return `write ${key} in Pulumi.${stack}.yaml as a map (see README, "Stack settings")`;
    return given === null
      ? `give it settings, or remove the empty entry: ${configRmCommand(stack, key, { path: true })}`
      : `write it as a map of settings in Pulumi.${stack}.yaml, or remove it: ${configRmCommand(stack, key, { path: true })}`;
  }
  if (issue.code === "invalid_type" && issue.expected === "string" && given !== undefined && given !== null) {
    return `quote it in Pulumi.${stack}.yaml: ${String(path[path.length - 1])}: "${hidden ? "<value>" : String(given)}"`;
  }
  const value = !hidden && issue.code === "invalid_type" && typeof given === "string" && /^\d+$/.test(given.trim()) ? given.trim() : "<value>";
  return configSetCommand(stack, key, value, { path: !isTop });
}

/** The settings a map of the schema accepts, to list next to an unknown one. */
function knownKeysAt(path: Path): string | undefined {
  let schema: z.ZodType = stackConfigSchema;
  for (const part of path) {
    const def = schema as unknown as { shape?: Record<string, z.ZodType>; valueType?: z.ZodType };
    if (def.shape && typeof part === "string" && def.shape[part]) schema = def.shape[part]!;
    else if (def.valueType) schema = def.valueType;
    else return undefined;
    while ((schema as unknown as { unwrap?: () => z.ZodType }).unwrap) {
      schema = (schema as unknown as { unwrap: () => z.ZodType }).unwrap();
    }
  }
  const shape = (schema as unknown as { shape?: Record<string, unknown> }).shape;
  return shape ? Object.keys(shape).join(", ") : undefined;
}

/**
 * One issue of the `fleet:` schema in words. `hidden` says the value sits under
 * a key stored as a secret, so it is never repeated.
 */
export function wordsForIssue(stack: string, issue: z.core.$ZodIssue, hidden: boolean): IssueWords {
  const path = issuePath(issue);
  return { where: path.length === 0 ? `${PROJECT}:` : configPath(path), what: whatOf(issue, hidden), fix: fixOf(stack, issue, path, hidden) };
}
