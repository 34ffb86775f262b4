/**
 * The fields an answer of the Platform API may carry, typed against the
 * official response types of `@heroku-cli/schema`: a field the official type
 * does not know is a compile error in the table, and a field the double
 * renders that the table does not list is a bug of the double.
 */

/** The declared keys of an official type (its `[k: string]: unknown` index signature left out). */
type KnownKeys<T> = keyof { [K in keyof T as string extends K ? never : number extends K ? never : K]: unknown } & string;

type Element<T> = T extends ReadonlyArray<infer E> ? E : T;

/** `true` for a field shown as is; a nested shape for an object (or a list of objects) whose fields are checked too. */
export type AnswerShape<T> = {
  readonly [K in KnownKeys<T>]?: true | AnswerShape<NonNullable<Element<NonNullable<T[K]>>>>;
};

/** The runtime view of any `AnswerShape`. */
export interface Shape {
  readonly [field: string]: true | Shape | undefined;
}

/** An answer shape for the official type `T`: only fields `T` declares are accepted by the compiler. */
export function answerShape<T>(shape: AnswerShape<T>): Shape {
  return shape as Shape;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Paths of the fields in `value` (an object or a list of them) that `shape` does not list. */
export function unknownAnswerFields(shape: Shape, value: unknown, path = ""): string[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => unknownAnswerFields(shape, item, `${path}[${index}]`));
  if (!isRecord(value)) return [];
  const out: string[] = [];
  for (const [key, item] of Object.entries(value)) {
    const where = path === "" ? key : `${path}.${key}`;
    const rule = shape[key];
    if (rule === undefined) out.push(where);
    else if (rule !== true) out.push(...unknownAnswerFields(rule, item, where));
  }
  return out;
}
