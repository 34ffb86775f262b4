/**
 * The environment model of a stack from its files, as the offline plan
 * builds it: secrets the file does not hold yet stand in as placeholders, so
 * the model is complete; the result still lists every real problem.
 */
import { buildEnvironment, type BuildResult } from "../../stacks/environment";
import { missingSecrets, realProblems } from "../../stacks/problems";
import { APP_SPECS } from "../../stacks/specs";
import { withPlaceholders } from "./plan-command";
import { readStackFiles } from "./stack-files";

export function stackModel(root: string, stack: string): BuildResult {
  const files = readStackFiles(root, stack);
  const build = (): BuildResult => buildEnvironment({ stack, specs: APP_SPECS, raw: { values: files.config, secretKeys: new Set(files.secretKeys) } });
  const first = build();
  if (first.ok || realProblems(first.problems).length > 0) return first;
  withPlaceholders(files.config, files.secretKeys, missingSecrets(first.problems));
  return build();
}
