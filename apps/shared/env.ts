/**
 * Building blocks of every app's `src/env.ts`: variables arrive as strings,
 * a blank one means "not set", and a bad environment is one error naming
 * every variable and its problem — never a value. Imports nothing but zod,
 * because fleet reads each app's env schema to learn what the app needs.
 */
import { z } from "zod";

export const isBlank = (value: unknown): boolean => value === undefined || (typeof value === "string" && value.trim() === "");

/** One environment variable: blank counts as unset, so `.optional()` and `.default()` apply to it. */
export const variable = <T extends z.ZodType>(schema: T) => z.preprocess((value) => (isBlank(value) ? undefined : value), schema);

export const text = () => z.string().min(1, "must not be empty");

export const integer = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, "must be a whole number")
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

export const decimal = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+(\.\d+)?$/, "must be a number such as 0.25")
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

function hasProtocol(value: string, protocols: readonly string[]): boolean {
  try {
    return protocols.includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

/** A URL with one of the given protocols (`"postgres:"`, `"https:"`…). */
export const url = (...protocols: string[]) =>
  z
    .string()
    .refine((value) => hasProtocol(value, protocols), `must be a URL starting with ${protocols.map((p) => `${p}//`).join(" or ")}`);

/** An http(s) base URL, without its trailing slash. */
export const baseUrl = () => url("https:", "http:").transform((value) => value.replace(/\/+$/, ""));

/** Comma-separated keys, newest first: the first signs or encrypts, every one still verifies or decrypts. */
export const keyList = (pattern: RegExp, shape: string) =>
  z
    .string()
    .transform((value) => value.split(",").map((key) => key.trim()))
    .pipe(z.array(z.string().regex(pattern, `must be ${shape}`)).min(1));

/** Cross-variable checks run even when single variables failed, so one boot reports every problem. */
export const everyProblemAtOnce = { when: () => true };

/**
 * Parses the environment once at boot. Throws one Error that names every
 * missing or invalid variable and the problem — never a value.
 */
export function parseEnv<S extends z.ZodType>(app: string, schema: S, raw: Record<string, string | undefined>): z.output<S> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = new Set<string>();
  for (const issue of parsed.error.issues) {
    const [name, ...within] = issue.path;
    const key = String(name ?? "environment");
    const unset = isBlank(raw[key]);
    const where = within.length > 0 ? `entry ${Number(within[0]) + 1}: ` : "";
    problems.add(`${key}: ${unset && issue.code !== "custom" ? "is not set" : `${where}${issue.message}`}`);
  }
  const list = [...problems].map((problem) => `  - ${problem}`).join("\n");
  throw new Error(`${app}: invalid environment (${problems.size} problem${problems.size === 1 ? "" : "s"}):\n${list}`);
}
