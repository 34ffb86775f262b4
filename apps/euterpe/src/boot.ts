/** What every process does first: validate the environment or stop with the list of problems. */
import { EnvError, type Env } from "./env.js";

/**
 * Runs `load`; on an EnvError prints one JSON log line naming every bad
 * variable (never a value) and exits 1.
 */
export function exitOnInvalidEnv(load: () => Env): Env {
  try {
    return load();
  } catch (error) {
    if (!(error instanceof EnvError)) throw error;
    const line = {
      level: "fatal",
      time: new Date().toISOString(),
      app: "euterpe",
      problems: error.problems,
      msg: error.message,
    };
    process.stdout.write(`${JSON.stringify(line)}\n`);
    process.exit(1);
  }
}
