/**
 * What a request body may carry, as the Platform API's JSON schema states it
 * for one link (`schema` of the link): the fields, their JSON types, which are
 * required, and nothing else. `requestProblem` finds the first field the API
 * would refuse, named by its path (`updates[0].dyno_size`).
 */

export type JsonType = "string" | "boolean" | "integer" | "null";

export type Field =
  | { readonly kind: "value"; readonly types: readonly JsonType[] }
  | {
      readonly kind: "object";
      readonly fields: Readonly<Record<string, Field>>;
      readonly required: readonly string[];
      readonly nullable: boolean;
    }
  | { readonly kind: "array"; readonly items: Field; readonly nullable: boolean }
  /** Free keys matching `keys` (config vars, add-on config). */
  | { readonly kind: "map"; readonly keys: RegExp; readonly values: Field }
  /** One of several shapes (a link with two variants, an identity given as a string or an object). */
  | { readonly kind: "either"; readonly options: readonly Field[] };

export type ObjectField = Extract<Field, { kind: "object" }>;

export const string: Field = { kind: "value", types: ["string"] };
export const boolean: Field = { kind: "value", types: ["boolean"] };
export const integer: Field = { kind: "value", types: ["integer"] };

/** The same field, also accepting `null`. */
export function nullable(field: Field): Field {
  if (field.kind === "value") return { ...field, types: [...field.types, "null"] };
  if (field.kind === "object" || field.kind === "array") return { ...field, nullable: true };
  throw new Error(`nullable() of a ${field.kind} field`);
}

export function object(fields: Readonly<Record<string, Field>>, required: readonly string[] = []): ObjectField {
  for (const key of required) if (!(key in fields)) throw new Error(`required field ${key} is not among the fields`);
  return { kind: "object", fields, required, nullable: false };
}

export function arrayOf(items: Field): Field {
  return { kind: "array", items, nullable: false };
}

export function mapOf(keys: RegExp, values: Field): Field {
  return { kind: "map", keys, values };
}

export function either(...options: Field[]): Field {
  return { kind: "either", options };
}

/** An object with no fields: a link whose schema has no request body. */
export const noBody: ObjectField = object({});

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

function describe(field: Field): string {
  switch (field.kind) {
    case "value":
      return field.types.join(" or ");
    case "object":
      return field.nullable ? "an object or null" : "an object";
    case "array":
      return field.nullable ? "an array or null" : "an array";
    case "map":
      return "an object";
    case "either":
      return field.options.map(describe).join(", or ");
  }
}

function join(path: string, key: string): string {
  return path === "" ? key : `${path}.${key}`;
}

/** The first problem of `value` against `field` (`path` names where it sits), or null when the API would accept it. */
export function requestProblem(field: Field, value: unknown, path = ""): string | null {
  const shown = path === "" ? "the body" : path;
  switch (field.kind) {
    case "value":
      return (field.types as readonly string[]).includes(typeOf(value)) ? null : `Invalid ${shown} provided: expected ${describe(field)}.`;
    case "array": {
      if (value === null && field.nullable) return null;
      if (!Array.isArray(value)) return `Invalid ${shown} provided: expected ${describe(field)}.`;
      for (const [index, item] of value.entries()) {
        const problem = requestProblem(field.items, item, `${path}[${index}]`);
        if (problem) return problem;
      }
      return null;
    }
    case "map": {
      if (typeOf(value) !== "object") return `Invalid ${shown} provided: expected ${describe(field)}.`;
      for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
        if (!field.keys.test(key)) return `Invalid params: ${join(path, key)} is not a valid key (${field.keys.source}).`;
        const problem = requestProblem(field.values, item, join(path, key));
        if (problem) return problem;
      }
      return null;
    }
    case "object": {
      if (value === null && field.nullable) return null;
      if (typeOf(value) !== "object") return `Invalid ${shown} provided: expected ${describe(field)}.`;
      const record = value as Record<string, unknown>;
      const allowed = Object.keys(field.fields);
      for (const key of Object.keys(record)) {
        if (!allowed.includes(key)) {
          const accepts = allowed.length > 0 ? `accepts ${allowed.join(", ")}` : "takes no parameters";
          return `Invalid params: ${join(path, key)} is not a known parameter (${path === "" ? "this request" : path} ${accepts}).`;
        }
      }
      const missing = field.required.filter((key) => record[key] === undefined);
      if (missing.length > 0) return `Missing required params: ${missing.map((key) => join(path, key)).join(", ")}.`;
      for (const [key, item] of Object.entries(record)) {
        const problem = requestProblem(field.fields[key] as Field, item, join(path, key));
        if (problem) return problem;
      }
      return null;
    }
    case "either": {
      const problems = field.options.map((option) => requestProblem(option, value, path));
      return problems.includes(null) ? null : (problems[0] ?? null);
    }
  }
}
