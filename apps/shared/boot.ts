/** What every process does first: validate the environment, or stop naming every problem. */
import { EnvError } from "./env.js";

/**
 * Runs `load`; on an EnvError prints one JSON log line naming every bad
 * variable (never a value) and exits 1. Any other error is a bug and is rethrown.
 */
export function exitOnInvalidEnv<T>(app: string, load: () => T): T {
  try {
    return load();
  } catch (error) {
    if (!(error instanceof EnvError)) throw error;
    const line = { level: "fatal", time: new Date().toISOString(), app, problems: error.problems, msg: error.message };
    process.stdout.write(`${JSON.stringify(line)}\n`);
    process.exit(1);
  }
}
