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
 *
 * Rollback: `pinnedRelease` (a release version of the same app) makes the
 * app run that release's slug again instead of the recorded one, in place
 * (release-pin.ts); removing it releases the recorded slug again — the
 * build's own, or the promoted one it recorded. The component keeps a pinned
 * build from rebuilding (ignoreChanges on the source), so new code waits
 * until the pin goes. A promotion to a pinned app ends the pin on Heroku:
 * read (refresh) then reports the pin as gone, so the next `up` pins again.
 */
import type * as pulumi from "@pulumi/pulumi";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { herokuClient, seg, type HerokuClient } from "../client";
import { pollInterval, waitTimeout } from "../env";
import { isPollFailed, isPollTimeout, pollUntil } from "../poll";
import { messageOf } from "../errors";
import { checkInputs, compact, failure, parseProps, resolveAppId, resourceInitError, step, unknownDiff } from "../provider-kit";
import { appSchema, buildSchema, releaseSchema, slugSchema, sourceSchema, type ReleaseBody } from "../schemas";
import { packSource } from "../source-archive";
import { currentRelease, pinRelease, releaseSlug } from "./release-pin";
import { outputTail, waitForRelease } from "./release-wait";

const buildInputs = () =>
  z.object({
    app: z.string().min(1),
    sourceDir: z.string().min(1),
    sourceSha256: z.string().optional(),
    buildpacks: z.array(z.string().min(1)).optional(),
    buildEnvSha256: z.string().optional(),
    pinnedRelease: z.number().int().min(1).optional(),
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
    /** The release whose slug runs instead of the recorded one, while pinned. */
    pinnedRelease: z.number().optional(),
    pinnedSlugId: z.string().optional(),
    /** The release that runs the pinned slug. */
    pinReleaseId: z.string().optional(),
    pinReleaseVersion: z.number().optional(),
  });
export type BuildOutputs = z.infer<ReturnType<typeof buildOutputs>>;

const BUILD_POLL_MS = 3_000;
const BUILD_TIMEOUT_MS = 60 * 60_000;

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
    const repinned = (news.pinnedRelease ?? 0) !== (olds.pinnedRelease ?? 0);
    const changes = replaces.length > 0 || news.sourceDir !== olds.sourceDir || repinned;
    return { changes, replaces };
  },

  async create(rawInputs: unknown) {
    const inputs = parseProps("Build", buildInputs(), rawInputs);
    const api = herokuClient();
    const built = await step(`Building ${inputs.sourceDir} on app ${inputs.app}`, () => buildAndRelease(api, inputs));
    const id = built.reusedRelease ? built.releaseId : built.buildId;
    if (inputs.pinnedRelease === undefined) return { id, outs: built };
    // Built (or a promoted release recorded), but pinned to an earlier release: a failed pin keeps the record, and the next `up` pins again.
    try {
      return { id, outs: await applyPin(api, built, inputs.pinnedRelease) };
    } catch (error) {
      throw resourceInitError(id, built, `Pinning app ${inputs.app} to release v${inputs.pinnedRelease}: ${messageOf(error)}`);
    }
  },

  async read(id: string, props: unknown) {
    const olds = parseProps("Build", buildOutputs().partial(), props);
    const app = olds.appId ?? olds.app;
    if (app === undefined) return { id: "" };
    const api = herokuClient();
    const found = olds.reusedRelease
      ? await step(`Reading release ${id} of app ${olds.app ?? app}`, async () => {
          const release = await api.find(`/apps/${seg(app)}/releases/${seg(id)}`, releaseSchema());
          return release ? { id: release.id, props: olds } : { id: "" };
        })
      : await step(`Reading build ${id} of app ${olds.app ?? app}`, async () => {
          const build = await api.find(`/apps/${seg(app)}/builds/${seg(id)}`, buildSchema());
          if (!build) return { id: "" };
          return { id: build.id, props: { ...olds, status: build.status, slugId: build.slug?.id ?? olds.slugId ?? "" } };
        });
    const pinnedSlug = olds.pinnedSlugId;
    const live = found.props;
    if (live === undefined || pinnedSlug === undefined) return found;
    // Something released since (a promotion, a hand-made rollback): the pin no longer holds, and the next `up` pins again.
    return step(`Reading which slug app ${olds.app ?? app} runs`, async () => {
      const running = await currentRelease(api, app);
      return { id: found.id, props: running?.slug?.id === pinnedSlug ? live : withoutPin(live) };
    });
  },

  async update(_id: string, oldOutputs: unknown, newInputs: unknown) {
    // In place: `sourceDir` (same content, new folder) is recorded; a new pin, or none, is released.
    const olds = parseProps("Build", buildOutputs(), oldOutputs);
    const news = parseProps("Build", buildInputs(), newInputs);
    const recorded: BuildOutputs = { ...olds, app: news.app, sourceDir: news.sourceDir };
    if ((news.pinnedRelease ?? 0) === (olds.pinnedRelease ?? 0)) return { outs: recorded };
    const api = herokuClient();
    const what =
      news.pinnedRelease !== undefined
        ? `Pinning app ${olds.app} to release v${news.pinnedRelease}`
        : `Removing the pin to release v${olds.pinnedRelease} of app ${olds.app}: releasing ${recordedSlugOf(olds)} again`;
    return { outs: await step(what, () => applyPin(api, recorded, news.pinnedRelease)) };
  },

  async delete() {
    // Heroku keeps builds as history; the release they made keeps running.
  },
};

/** The outputs of a build that is not pinned (or whose pin no longer holds). */
function withoutPin<T extends Partial<BuildOutputs>>(outs: T): Omit<T, "pinnedRelease" | "pinnedSlugId" | "pinReleaseId" | "pinReleaseVersion"> {
  const { pinnedRelease: _release, pinnedSlugId: _slug, pinReleaseId: _id, pinReleaseVersion: _version, ...unpinned } = outs;
  return unpinned;
}

/** What the Build recorded as running, in words: its own build, or the promoted release it found. */
function recordedSlugOf(outs: BuildOutputs): string {
  return outs.reusedRelease ? `the slug of promoted release v${outs.releaseVersion}` : `build ${outs.buildId.slice(0, 8)}`;
}

/**
 * Releases the pinned release's slug, or (unpinned) the recorded slug again
 * — the build's, or the promoted one — which `releaseId` then names; the
 * outputs say which runs.
 */
async function applyPin(api: HerokuClient, outs: BuildOutputs, pinnedRelease: number | undefined): Promise<BuildOutputs> {
  const unpinned = withoutPin(outs);
  const appName = (await api.get(`/apps/${seg(outs.appId)}`, appSchema())).name;
  if (pinnedRelease === undefined) {
    const madeBy = outs.reusedRelease ? "the promoted slug was released again but" : "the build's slug was released again but";
    const running = await releaseSlug(api, outs.appId, appName, outs.slugId, `Back to ${recordedSlugOf(outs)}: release pin removed (fleet)`, madeBy);
    return { ...unpinned, releaseId: running.id, releaseVersion: running.version };
  }
  const pin = await pinRelease(api, outs.appId, appName, pinnedRelease);
  return { ...unpinned, pinnedRelease, pinnedSlugId: pin.slugId, pinReleaseId: pin.running.id, pinReleaseVersion: pin.running.version };
}

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
  const release = await waitForRelease(api, inputs.app, releaseId, "the build succeeded but");
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
  const current = await currentRelease(api, app);
  if (current?.status !== "succeeded" || !current.slug) return undefined;
  const slug = await api.find(`/apps/${seg(app)}/slugs/${seg(current.slug.id)}`, slugSchema());
  const commit = slug?.commit;
  return commit === sha256 || commit === sha256.slice(0, 12) ? current : undefined;
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
