/**
 * Dynamic provider of the smoke check after a release: GETs the app's
 * health URL every few seconds until it answers 200 or the time runs out,
 * logging progress while it waits. A 200 whose JSON body names an older
 * release (`"release": "v41"`) is a dyno of the old release still answering,
 * so the check goes on waiting for the new one.
 *
 * Its own resource rather than a step of the Build: the URL is known only
 * once the domain and its certificate exist and the dynos are scaled, which
 * come after the build; and a failed check must leave the build recorded —
 * the release is live on Heroku either way — so the next `pulumi up` checks
 * again instead of building the same source again.
 *
 * A check is an event, not an object: read reports it unchanged, delete does
 * nothing. A new release, URL or path runs it again.
 */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { herokuClient, seg, type HerokuClient } from "../client";
import { pollInterval } from "../env";
import { describeProbe, namedRelease, probeOnce, type ProbeResult } from "../health-probe";
import { formatElapsed } from "../poll";
import { checkInputs, compact, failure, parseProps, step, unknownDiff } from "../provider-kit";
import { configVarsSchema } from "../schemas";

const smokeCheckInputs = () =>
  z.object({
    app: z.string().min(1),
    url: z.string().min(1),
    path: z.string().min(1),
    releaseId: z.string().min(1),
    releaseVersion: z.number().int().optional(),
    timeoutSeconds: z.number().int().min(1).max(3600),
  });
export type SmokeCheckInputs = z.infer<ReturnType<typeof smokeCheckInputs>>;

const smokeCheckOutputs = () => smokeCheckInputs().extend({ status: z.number().int(), answeredRelease: z.string().optional() });
export type SmokeCheckOutputs = z.infer<ReturnType<typeof smokeCheckOutputs>>;

const POLL_MS = 5_000;
/** Longest one GET may take. */
const REQUEST_TIMEOUT_MS = 10_000;
/** Even the last GET gets this long, so its outcome says something about the app (the check may end this much late). */
const MIN_REQUEST_TIMEOUT_MS = 2_000;
/** Characters of the body a failure shows. */
const BODY_SHOWN = 500;

export const smokeCheckProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds: unknown, news: unknown) {
    return checkInputs(smokeCheckInputs(), news, (inputs, unknownKeys) => {
      const failures: pulumi.dynamic.CheckFailure[] = [];
      if (!unknownKeys.has("url") && !/^https?:\/\/[^/?#@\s]+$/.test(inputs.url)) {
        failures.push(failure("url", `"${inputs.url}" is not a base URL: http(s)://host with no path, query or credentials.`));
      }
      if (!inputs.path.startsWith("/")) failures.push(failure("path", `"${inputs.path}" must start with /.`));
      return failures;
    });
  },

  async diff(_id: string, oldOutputs: unknown, newInputs: unknown) {
    const pending = unknownDiff(newInputs, []);
    if (pending) return pending;
    const olds = parseProps("SmokeCheck", smokeCheckOutputs(), oldOutputs);
    const news = parseProps("SmokeCheck", smokeCheckInputs(), newInputs);
    const changed = (["app", "url", "path", "releaseId", "releaseVersion", "timeoutSeconds"] as const).filter((key) => news[key] !== olds[key]);
    return { changes: changed.length > 0, replaces: [] };
  },

  async create(rawInputs: unknown) {
    const inputs = parseProps("SmokeCheck", smokeCheckInputs(), rawInputs);
    const outs = await step(`Checking ${inputs.url}${inputs.path}`, () => runCheck(herokuClient(), inputs));
    return { id: `smoke-check:${inputs.app}`, outs };
  },

  async read(id: string, props: unknown) {
    return { id, props: parseProps("SmokeCheck", smokeCheckOutputs().partial(), props) };
  },

  async update(_id: string, oldOutputs: unknown, newInputs: unknown) {
    const olds = parseProps("SmokeCheck", smokeCheckOutputs(), oldOutputs);
    const news = parseProps("SmokeCheck", smokeCheckInputs(), newInputs);
    const again = news.releaseId !== olds.releaseId || news.url !== olds.url || news.path !== olds.path;
    if (!again) return { outs: { ...olds, ...news } };
    const outs = await step(`Checking ${news.url}${news.path}`, () => runCheck(herokuClient(), news));
    return { outs };
  },

  async delete() {
    // Nothing exists on Heroku for a check.
  },
};

async function runCheck(api: HerokuClient, inputs: SmokeCheckInputs): Promise<SmokeCheckOutputs> {
  const target = `${inputs.url}${inputs.path}`;
  const release = inputs.releaseVersion !== undefined ? `release v${inputs.releaseVersion}` : `release ${inputs.releaseId}`;
  const timeoutMs = inputs.timeoutSeconds * 1000;
  const intervalMs = pollInterval(POLL_MS);
  const started = Date.now();
  let lastState = "";
  let lastLogged = started;
  let last: ProbeResult;
  for (;;) {
    const remaining = timeoutMs - (Date.now() - started);
    last = await probeOnce(target, Math.max(MIN_REQUEST_TIMEOUT_MS, Math.min(REQUEST_TIMEOUT_MS, remaining)));
    const named = last.kind === "answer" && last.status === 200 ? namedRelease(last.body) : undefined;
    const stale = named !== undefined && inputs.releaseVersion !== undefined && named < inputs.releaseVersion;
    if (last.kind === "answer" && last.status === 200 && !stale) {
      const elapsed = Date.now() - started;
      if (lastState !== "") api.log.info(`${target} answered 200 after ${formatElapsed(elapsed)} (${release})`);
      return compact({ ...inputs, status: 200, answeredRelease: named !== undefined ? `v${named}` : undefined });
    }
    const state = stale ? `200 from the old release v${named}` : describeProbe(last);
    const elapsed = Date.now() - started;
    if (state !== lastState || Date.now() - lastLogged >= 30_000) {
      api.log.info(`waiting for ${target} to answer 200 after ${release}: ${state} (${formatElapsed(elapsed)} of ${formatElapsed(timeoutMs)})`);
      lastState = state;
      lastLogged = Date.now();
    }
    if (elapsed + intervalMs >= timeoutMs) break;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(await failureMessage(api, inputs, target, release, last));
}

/** What the user sees when the app does not answer in time: the last status and body, secrets masked, then what to do. */
async function failureMessage(api: HerokuClient, inputs: SmokeCheckInputs, target: string, release: string, last: ProbeResult): Promise<string> {
  // The app's own config-var values are masked too: an error page may print one.
  await api.find(`/apps/${seg(inputs.app)}/config-vars`, configVarsSchema(), { secretResponse: true }).catch(() => undefined);
  const lines = [`${target} did not answer 200 within ${formatElapsed(inputs.timeoutSeconds * 1000)} after ${release}; the last attempt got ${describeProbe(last)}.`];
  if (last.kind === "answer") {
    const named = namedRelease(last.body);
    if (last.status === 200 && named !== undefined) lines.push(`It answered for the old release v${named}: the new release's dynos never took over.`);
    if (last.location !== undefined) {
      lines.push("Redirects are not followed: the health path must answer 200 itself (a redirect to a login page or another host would check something else).");
    }
    const body = api.redact(last.body.replace(/\s+/g, " ").trim());
    lines.push(body === "" ? "Body: (empty)" : `Body${body.length > BODY_SHOWN ? ` (first ${BODY_SHOWN} characters)` : ""}: ${body.slice(0, BODY_SHOWN)}`);
  }
  lines.push(
    "The release stays live on Heroku and the build is recorded: look at `heroku logs --tail --app <app>`, fix the app or its config, " +
      "and run `pulumi up` again (it checks again); to go back meanwhile, pin the last good release " +
      "(`pulumi config set --path 'fleet:apps.<app>.release' <version>`, then `pulumi up`; README \"Rolling back a release\").",
  );
  return api.redact(lines.join(" "));
}
