/**
 * Dynamic provider of a Heroku build from a local folder.
 *
 * Create packs the folder deterministically (`packSource`), asks Heroku for
 * a presigned upload URL (`POST /sources`), uploads the tarball there (no
 * auth header, no Content-Type: the URL is signed without them), starts the
 * build with the tarball's SHA-256 as checksum, waits for it and then for the
 * release phase of the release it made. A failed build reports the tail of
 * its output; a failed release phase says so with the release version.
 *
 * A build is immutable: a new SHA-256 (or app, or buildpacks) replaces it,
 * an unchanged one never rebuilds. Deleting a build deletes nothing: Heroku
 * keeps build history, and the running release stays as it is.
 *
 * Builds send the archive's full SHA-256 as `source_blob.version`, which
 * Heroku keeps as the slug's `commit`. Before building, create looks at the
 * app's current release: when its slug was built from this very archive —
 * a slug promoted from staging through the pipeline — it records that
 * release instead of building the same code again (no new slug, no restart).
 * Builds whose values compile stack-specific config in (`buildEnvSha256`)
 * never reuse a slug: its commit cannot tell which values it carries.
 */
import type * as pulumi from "@pulumi/pulumi";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { herokuClient, seg, type HerokuClient } from "../client";
import { pollInterval, waitTimeout } from "../env";
import { isPollFailed, isPollTimeout, pollUntil } from "../poll";
import { checkInputs, compact, failure, parseProps, resolveAppId, step, unknownDiff } from "../provider-kit";
import { buildSchema, configVarsSchema, releaseSchema, slugSchema, sourceSchema, type ReleaseBody } from "../schemas";
import { packSource } from "../source-archive";

const buildInputs = () =>
  z.object({
    app: z.string().min(1),
    sourceDir: z.string().min(1),
    sourceSha256: z.string().optional(),
    buildpacks: z.array(z.string().min(1)).optional(),
    buildEnvSha256: z.string().optional(),
  });
export type BuildInputs = z.infer<ReturnType<typeof buildInputs>>;

const buildOutputs = () =>
  z.object({
    app: z.string(),
    appId: z.string(),
    sourceDir: z.string(),
    sourceSha256: z.string(),
    buildpacks: z.array(z.string()).optional(),
    buildEnvSha256: z.string().optional(),
    buildId: z.string(),
    releaseId: z.string(),
    releaseVersion: z.number(),
    slugId: z.string(),
    status: z.string(),
    processTypes: z.record(z.string(), z.string()),
    /** The release was not built here but found running (a promoted slug of the same archive); `buildId` is then empty. */
    reusedRelease: z.boolean().optional(),
  });
export type BuildOutputs = z.infer<ReturnType<typeof buildOutputs>>;

const BUILD_POLL_MS = 3_000;
const BUILD_TIMEOUT_MS = 60 * 60_000;
const RELEASE_TIMEOUT_MS = 65 * 60_000;
const TAIL_LINES = 40;

export const buildProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds: unknown, news: unknown) {
    return checkInputs(buildInputs(), news, (inputs) =>
      inputs.sourceSha256 !== undefined && !/^[0-9a-f]{64}$/.test(inputs.sourceSha256)
        ? [failure("sourceSha256", "must be the lowercase hex SHA-256 of the source archive (64 characters).")]
        : [],
    );
  },

  async diff(_id: string, oldOutputs: unknown, newInputs: unknown) {
    const pending = unknownDiff(newInputs, ["app", "sourceSha256", "buildpacks", "buildEnvSha256"]);
    if (pending) return pending;
    const olds = parseProps("Build", buildOutputs(), oldOutputs);
    const news = parseProps("Build", buildInputs(), newInputs);
    const replaces: string[] = [];
    if (news.app !== olds.app && news.app !== olds.appId) replaces.push("app");
    if (news.sourceSha256 !== undefined && news.sourceSha256 !== olds.sourceSha256) replaces.push("sourceSha256");
    if ((news.buildpacks ?? []).join("\n") !== (olds.buildpacks ?? []).join("\n")) replaces.push("buildpacks");
    // Values compiled into the build (NEXT_PUBLIC_*) changed: the old slug carries the old ones.
    if ((news.buildEnvSha256 ?? "") !== (olds.buildEnvSha256 ?? "")) replaces.push("buildEnvSha256");
    const changes = replaces.length > 0 || news.sourceDir !== olds.sourceDir;
    return { changes, replaces };
  },

  async create(rawInputs: unknown) {
    const inputs = parseProps("Build", buildInputs(), rawInputs);
    const api = herokuClient();
    const outs = await step(`Building ${inputs.sourceDir} on app ${inputs.app}`, () => buildAndRelease(api, inputs));
    return { id: outs.reusedRelease ? outs.releaseId : outs.buildId, outs };
  },

  async read(id: string, props: unknown) {
    const olds = parseProps("Build", buildOutputs().partial(), props);
    const app = olds.appId ?? olds.app;
    if (app === undefined) return { id: "" };
    const api = herokuClient();
    if (olds.reusedRelease) {
      return step(`Reading release ${id} of app ${olds.app ?? app}`, async () => {
        const release = await api.find(`/apps/${seg(app)}/releases/${seg(id)}`, releaseSchema());
        return release ? { id: release.id, props: olds } : { id: "" };
      });
    }
    return step(`Reading build ${id} of app ${olds.app ?? app}`, async () => {
      const build = await api.find(`/apps/${seg(app)}/builds/${seg(id)}`, buildSchema());
      if (!build) return { id: "" };
      return { id: build.id, props: { ...olds, status: build.status, slugId: build.slug?.id ?? olds.slugId ?? "" } };
    });
  },

  async update(_id: string, oldOutputs: unknown, newInputs: unknown) {
    // Only `sourceDir` changes in place (same content, new folder): record it.
    const olds = parseProps("Build", buildOutputs(), oldOutputs);
    const news = parseProps("Build", buildInputs(), newInputs);
    return { outs: { ...olds, app: news.app, sourceDir: news.sourceDir } };
  },

  async delete() {
    // Heroku keeps builds as history; the release they made keeps running.
  },
};

async function buildAndRelease(api: HerokuClient, inputs: BuildInputs): Promise<BuildOutputs> {
  const archive = await packSource(inputs.sourceDir);
  if (inputs.sourceSha256 !== undefined && inputs.sourceSha256 !== archive.sha256) {
    api.log.info(`${inputs.sourceDir} changed since the program read it; building the current content (${archive.sha256.slice(0, 12)})`);
  }
  const running = inputs.buildEnvSha256 === undefined ? await runningReleaseOf(api, inputs.app, archive.sha256) : undefined;
  if (running) {
    api.log.info(`app ${inputs.app} already runs release v${running.version}, built from this source (${archive.sha256.slice(0, 12)}): recording it instead of building again`);
    return {
      app: inputs.app,
      appId: await resolveAppId(api, inputs.app),
      sourceDir: inputs.sourceDir,
      sourceSha256: archive.sha256,
      ...(inputs.buildpacks ? { buildpacks: inputs.buildpacks } : {}),
      buildId: "",
      releaseId: running.id,
      releaseVersion: running.version,
      slugId: running.slug!.id,
      status: "succeeded",
      processTypes: procfileTypes(inputs.sourceDir, archive.files),
      reusedRelease: true,
    };
  }
  const source = await api.request("POST", "/sources", { schema: sourceSchema(), idempotent: true });
  await api.upload(source.source_blob.put_url, archive.tarball);
  const getUrl = source.source_blob.get_url;
  let build = await api.request("POST", `/apps/${seg(inputs.app)}/builds`, {
    body: compact({
      // The full SHA-256 becomes the slug's commit: how a promoted slug of this archive is recognised.
      source_blob: { url: getUrl, checksum: `SHA256:${archive.sha256}`, version: archive.sha256 },
      buildpacks: inputs.buildpacks?.map((url) => ({ url })),
    }),
    schema: buildSchema(),
    // The presigned URL is unique to this upload: a build that uses it is ours.
    recover: async () => {
      const recent = await api.request("GET", `/apps/${seg(inputs.app)}/builds`, {
        schema: z.array(buildSchema()),
        range: "created_at ..; max=20, order=desc",
      });
      return recent.find((b) => b.source_blob.url === getUrl);
    },
    hint: "Heroku runs one build per app at a time; if another build is running, wait for it and run `pulumi up` again.",
  });
  const what = `build ${build.id} of app ${inputs.app}`;
  build = await wait(api, what, () =>
    pollUntil({
      what,
      read: () => api.get(`/apps/${seg(inputs.app)}/builds/${seg(build.id)}`, buildSchema()),
      state: (b) => b.status,
      done: (b) => b.status === "succeeded",
      failed: (b) => (b.status === "failed" ? "failed" : undefined),
      intervalMs: pollInterval(BUILD_POLL_MS),
      timeoutMs: waitTimeout(BUILD_TIMEOUT_MS),
      log: api.log,
    }),
  ).catch(async (error: unknown) => {
    if (isPollFailed(error)) {
      const failed = await api.get(`/apps/${seg(inputs.app)}/builds/${seg(build.id)}`, buildSchema());
      throw new Error(`${what} failed. ${await outputTail(api, inputs.app, failed.output_stream_url, "Build output")}`);
    }
    throw error;
  });
  const releaseId = build.release?.id;
  const slugId = build.slug?.id;
  if (releaseId === undefined || slugId === undefined) {
    throw new Error(`${what} succeeded but Heroku reported no release or slug for it.`);
  }
  const release = await waitForRelease(api, inputs.app, releaseId);
  return compact({
    app: inputs.app,
    appId: build.app.id,
    sourceDir: inputs.sourceDir,
    sourceSha256: archive.sha256,
    buildpacks: inputs.buildpacks,
    buildEnvSha256: inputs.buildEnvSha256,
    buildId: build.id,
    releaseId,
    releaseVersion: release.version,
    slugId,
    status: build.status,
    processTypes: procfileTypes(inputs.sourceDir, archive.files),
  });
}

/**
 * The app's current release when its slug was built from the archive of
 * `sha256` (its commit is the full hash, or the 12-character prefix older
 * versions of fleet sent); undefined otherwise. Two calls at most.
 */
async function runningReleaseOf(api: HerokuClient, app: string, sha256: string): Promise<ReleaseBody | undefined> {
  const releases = await api.request("GET", `/apps/${seg(app)}/releases`, {
    schema: z.array(releaseSchema()),
    range: "version ..; max=10, order=desc",
  });
  const current = releases.find((r) => r.current === true && r.status === "succeeded");
  if (!current?.slug) return undefined;
  const slug = await api.find(`/apps/${seg(app)}/slugs/${seg(current.slug.id)}`, slugSchema());
  const commit = slug?.commit;
  return commit === sha256 || commit === sha256.slice(0, 12) ? current : undefined;
}

async function waitForRelease(api: HerokuClient, app: string, releaseId: string): Promise<ReleaseBody> {
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
      intervalMs: pollInterval(BUILD_POLL_MS),
      timeoutMs: waitTimeout(RELEASE_TIMEOUT_MS),
      log: api.log,
    });
  } catch (error) {
    if (isPollFailed(error)) {
      const release = await read();
      throw new Error(
        `the build succeeded but release v${release.version} failed in the release phase, so it was not deployed ` +
          `(v${release.version - 1} or older keeps running). ${await outputTail(api, app, release.output_stream_url, "Release output")} ` +
          `Fix the release command (migrations) and run \`pulumi up\` again.`,
      );
    }
    if (isPollTimeout(error)) throw new Error(`release v${version}: ${error.message}`);
    throw error;
  }
}

async function wait<T>(api: HerokuClient, what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (isPollTimeout(error)) {
      throw new Error(`${error.message} Heroku may still finish it: check \`heroku builds --app <app>\` before running \`pulumi up\` again.`);
    }
    api.log.debug(`${what}: ${error instanceof Error ? error.message : String(error)}`);
    throw error;
  }
}

/**
 * The last lines of a build or release output stream, redacted with the
 * app's config-var values too (build scripts sometimes print them).
 */
async function outputTail(api: HerokuClient, app: string, url: string | undefined, label: string): Promise<string> {
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

/** Process types of the Procfile packed in the archive (`web: npm start` when there is none, as Heroku does). */
function procfileTypes(sourceDir: string, files: readonly string[]): Record<string, string> {
  if (!files.includes("Procfile")) return { web: "npm start" };
  const types: Record<string, string> = {};
  for (const line of readFileSync(join(sourceDir, "Procfile"), "utf8").split(/\r?\n/)) {
    const match = /^([A-Za-z0-9_-]{1,128}):\s*(.+?)\s*$/.exec(line);
    if (match?.[1] && match[2]) types[match[1]] = match[2];
  }
  return types;
}
