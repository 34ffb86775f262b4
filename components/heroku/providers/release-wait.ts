/**
 * Waiting for a release's release phase, and the tail of a build's or a
 * release's output when one fails: shared by builds and by releases of an
 * existing slug (a pinned rollback).
 */
import { seg, type HerokuClient } from "../client";
import { pollInterval, waitTimeout } from "../env";
import { isPollFailed, isPollTimeout, pollUntil } from "../poll";
import { configVarsSchema, releaseSchema, type ReleaseBody } from "../schemas";

const RELEASE_POLL_MS = 3_000;
const RELEASE_TIMEOUT_MS = 65 * 60_000;
const TAIL_LINES = 40;

/**
 * Waits until the release's phase succeeded. A failed one throws with the
 * tail of its output: `madeBy` starts the sentence ("the build succeeded
 * but", "the pinned slug was released but").
 */
export async function waitForRelease(api: HerokuClient, app: string, releaseId: string, madeBy: string): Promise<ReleaseBody> {
  const read = () => api.get(`/apps/${seg(app)}/releases/${seg(releaseId)}`, releaseSchema());
  let version = "?";
  try {
    return await pollUntil({
      what: `release phase of release ${releaseId} of app ${app}`,
      read,
      state: (r) => {
        version = String(r.version);
        return `v${r.version} ${r.status}`;
      },
      done: (r) => r.status === "succeeded",
      failed: (r) => (r.status === "failed" || r.status === "expired" ? r.status : undefined),
      intervalMs: pollInterval(RELEASE_POLL_MS),
      timeoutMs: waitTimeout(RELEASE_TIMEOUT_MS),
      log: api.log,
    });
  } catch (error) {
    if (isPollFailed(error)) {
      const release = await read();
      throw new Error(
        `${madeBy} release v${release.version} failed in the release phase, so it was not deployed ` +
          `(v${release.version - 1} or older keeps running). ${await outputTail(api, app, release.output_stream_url, "Release output")} ` +
          `Fix the release command (migrations) and run \`pulumi up\` again.`,
      );
    }
    if (isPollTimeout(error)) throw new Error(`release v${version}: ${error.message}`);
    throw error;
  }
}

/**
 * The last lines of a build or release output stream, redacted with the
 * app's config-var values too (build scripts sometimes print them).
 */
export async function outputTail(api: HerokuClient, app: string, url: string | undefined, label: string): Promise<string> {
  if (!url) return `${label}: not available.`;
  await api.find(`/apps/${seg(app)}/config-vars`, configVarsSchema(), { secretResponse: true }).catch(() => undefined);
  const text = await api.fetchText(url);
  if (text === undefined) return `${label}: could not be read (see \`heroku builds:output\`).`;
  const lines = text
    .replace(/\r/g, "")
    .split("\n")
    .map((line) => line.replace(/^data: ?/, ""))
    .filter((line) => line.trim() !== "");
  const tail = lines.slice(-TAIL_LINES);
  return `${label} (last ${tail.length} lines):\n${api.redact(tail.join("\n"))}\n`;
}
