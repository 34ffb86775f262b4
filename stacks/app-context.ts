/**
 * The one way an AppContext is made — for deploying (real URLs), for the plan
 * (placeholders) and for checking a spec's derived values before anything is
 * registered (a probe that records which apps a value refers to).
 */
import type { AppContext } from "./app-spec";

export interface AppContextFields {
  readonly stack: string;
  /** The app the context is for, for messages. */
  readonly app: string;
  readonly publicUrl: string;
  readonly hostname: string | undefined;
  readonly zone: string | undefined;
  readonly accessAudience: string | undefined;
  /** Public URL of another app of the stack, or undefined when the stack has no such app. */
  readonly urlOf: (app: string) => string | undefined;
}

export function appContext(fields: AppContextFields): AppContext {
  return {
    stack: fields.stack,
    publicUrl: fields.publicUrl,
    hostname: fields.hostname,
    zone: fields.zone,
    accessAudience: fields.accessAudience,
    publicUrlOf: (other) => {
      const url = fields.urlOf(other);
      if (url === undefined) throw new Error(`${fields.app} refers to the URL of '${other}', which is not in stack ${fields.stack}`);
      return url;
    },
  };
}
