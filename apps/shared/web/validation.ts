/**
 * A request that fails its route's schema (Fastify's validation, whichever
 * validator the app plugs in) is one 400 naming every bad field and where it
 * was: "rating (body): must be 1 to 5; text (body): is required".
 */
import type { Problem } from "./errors.js";

interface ValidationIssue {
  readonly keyword?: string;
  readonly instancePath: string;
  readonly message?: string;
  readonly params?: { readonly keys?: unknown };
}

interface ValidationFailure {
  readonly validation: readonly ValidationIssue[];
  /** `body`, `querystring`, `params` or `headers`. */
  readonly validationContext?: string;
}

function isValidationFailure(error: unknown): error is ValidationFailure {
  return typeof error === "object" && error !== null && Array.isArray((error as { validation?: unknown }).validation);
}

/** One issue as "<field> (<where>): <problem>", the field named even when the validator reports it from the object. */
function describeIssue(issue: ValidationIssue, where: string): string {
  const keys = issue.params?.keys;
  if (issue.keyword === "unrecognized_keys" && Array.isArray(keys)) {
    return `${keys.map(String).join(", ")} (${where}): not a field this request accepts`;
  }
  const field = issue.instancePath.replace(/^\//, "").replace(/\//g, ".") || "(the whole value)";
  const message = issue.message ?? "is invalid";
  return `${field} (${where}): ${/received undefined$/.test(message) ? "is required" : message}`;
}

/** The 400 for a request that failed its schema; undefined for any other error. */
export function validationProblem(error: unknown): Problem | undefined {
  if (!isValidationFailure(error)) return undefined;
  const where = error.validationContext ?? "request";
  return { status: 400, code: "invalid_request", message: error.validation.map((issue) => describeIssue(issue, where)).join("; ") };
}
