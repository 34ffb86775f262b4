/**
 * Reading request bodies inside handlers. Fields, types and required keys are
 * checked against links.ts before a handler runs; these readers narrow the
 * types and refuse what the table cannot say (an empty required string).
 */
import { badRequest, invalidParams } from "../errors";
import type { RequestContext } from "./router";

export type JsonObject = Readonly<Record<string, unknown>>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The body as a JSON object; an absent body counts as `{}`. */
export function objectBody(ctx: RequestContext): JsonObject {
  if (ctx.body === undefined) return {};
  if (!isObject(ctx.body)) throw badRequest("Request body must be a JSON object.");
  return ctx.body;
}

export function optionalString(body: JsonObject, key: string): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw invalidParams(`Invalid ${key} provided: expected a string.`);
  return value;
}

export function requiredString(body: JsonObject, key: string): string {
  const value = optionalString(body, key);
  if (value === undefined || value === "") throw invalidParams(`Missing required params: ${key}.`);
  return value;
}

export function optionalBoolean(body: JsonObject, key: string): boolean | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "boolean") throw invalidParams(`Invalid ${key} provided: expected a boolean.`);
  return value;
}

export function optionalObject(body: JsonObject, key: string): JsonObject | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw invalidParams(`Invalid ${key} provided: expected an object.`);
  return value;
}

/** A map of string values (add-on `config`). */
export function optionalStringMap(body: JsonObject, key: string): Record<string, string> | undefined {
  const value = optionalObject(body, key);
  if (value === undefined) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== "string") throw invalidParams(`Invalid ${key} provided: ${k} must be a string.`);
    out[k] = v;
  }
  return out;
}
