/**
 * Sources and builds. `POST /sources` hands out presigned-style URLs on the
 * double's blob host; the PUT is checked like S3 checks a presigned URL (a
 * Content-Type header or an Authorization header breaks it). A build checks
 * the checksum, reads the tarball (Procfile, package.json), and after
 * `timing.build` succeeds — making a slug and a release — or fails with
 * buildpack-like output.
 */
import { createHash } from "node:crypto";
import { invalidParams, notFound } from "../errors";
import { isObject, objectBody } from "../http/body";
import { paginate } from "../http/range";
import { json, type Reply, type RequestContext, type Router } from "../http/router";
import type { AppRecord, BuildRecord, SlugRecord, SourceRecord, World } from "../state";
import { parseProcfile, readTarball, type SourceTree } from "../tarball";
import { createRelease } from "./releases";
import { userRef } from "./shared";

const CHECKSUM_RE = /^SHA256:[0-9a-f]{64}$/;

function sourceUrls(world: World, source: SourceRecord): { get_url: string; put_url: string } {
  const base = `${world.urls.blob}/sources/${source.id}.tgz?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=3600&X-Amz-SignedHeaders=host`;
  return { get_url: `${base}&X-Amz-Signature=${source.getSignature}`, put_url: `${base}&X-Amz-Signature=${source.putSignature}` };
}

export function createSource(world: World): SourceRecord {
  const source: SourceRecord = {
    id: world.uuid(),
    putSignature: world.ids.hex(64),
    getSignature: world.ids.hex(64),
    bytes: null,
    uploads: 0,
    createdAt: world.now(),
  };
  world.sources.set(source.id, source);
  return source;
}

/** The uploaded bytes behind a get_url of this double, or why they cannot be fetched. */
function fetchSource(world: World, url: string): { bytes: Buffer } | { error: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { error: `Unable to fetch source: ${url} is not a URL` };
  }
  if (!world.urls.blob.startsWith(parsed.origin)) {
    return { error: `Unable to fetch source from ${parsed.host}: only this double's source URLs are reachable in tests` };
  }
  const m = /^\/sources\/([^/]+?)(\.tgz)?$/.exec(parsed.pathname);
  const source = m?.[1] ? world.sources.get(m[1]) : undefined;
  if (!source || parsed.searchParams.get("X-Amz-Signature") !== source.getSignature) {
    return { error: "Unable to fetch source: 403 Forbidden (the URL is not a valid get_url)" };
  }
  if (!source.bytes) return { error: "Unable to fetch source: 404 NoSuchKey (nothing was uploaded to the put_url)" };
  return { bytes: source.bytes };
}

interface BuildPlan {
  readonly failure: string | null;
  readonly tree: SourceTree | null;
  readonly size: number;
  readonly notes: string[];
}

async function planBuild(world: World, app: AppRecord, build: BuildRecord): Promise<BuildPlan> {
  const notes: string[] = [];
  const fetched = fetchSource(world, build.sourceBlob.url);
  if ("error" in fetched) return { failure: fetched.error, tree: null, size: 0, notes };
  if (build.sourceBlob.checksum) {
    const actual = `SHA256:${createHash("sha256").update(fetched.bytes).digest("hex")}`;
    if (actual !== build.sourceBlob.checksum) {
      return { failure: `Checksum does not match: expected ${build.sourceBlob.checksum}, got ${actual}`, tree: null, size: 0, notes };
    }
  }
  let tree: SourceTree;
  try {
    tree = await readTarball(fetched.bytes);
  } catch (error) {
    return { failure: `Unable to unpack the source tarball: ${(error as Error).message}`, tree: null, size: 0, notes };
  }
  const packageJson = tree.files.get("package.json");
  if (packageJson === undefined) {
    return { failure: "No default language could be detected for this app (no package.json at the root).", tree, size: 0, notes };
  }
  let pkg: unknown;
  try {
    pkg = JSON.parse(packageJson);
  } catch {
    return { failure: "Unable to parse package.json.", tree, size: 0, notes };
  }
  if (!isObject(pkg) || !isObject(pkg["engines"]) || typeof pkg["engines"]["node"] !== "string") {
    notes.push(" !     Node version not specified in package.json (engines.node); using the current LTS.");
  }
  if (!["package-lock.json", "yarn.lock", "pnpm-lock.yaml"].some((f) => tree.files.has(f))) {
    notes.push(" !     No lockfile found; dependencies resolve to whatever is newest.");
  }
  const planned = world.takePlannedFailure(world.planned.buildFailures, app);
  if (planned) return { failure: planned.message ?? "npm ERR! code ELIFECYCLE (build script failed)", tree, size: 0, notes };
  return { failure: null, tree, size: fetched.bytes.length * 12 + 40_000_000, notes };
}

export async function createBuild(
  world: World,
  app: AppRecord,
  input: { url: string; checksum: string | null; version: string | null; buildpacks: Array<{ url: string; name: string }> },
): Promise<BuildRecord> {
  const now = world.now();
  const build: BuildRecord = {
    id: world.uuid(),
    appId: app.id,
    status: "pending",
    sourceBlob: { url: input.url, checksum: input.checksum, version: input.version },
    buildpacks: input.buildpacks,
    stack: app.buildStack,
    output: [`-----> Building on the ${app.buildStack.replace(/^h/, "H")} stack`],
    slugId: null,
    releaseId: null,
    createdAt: now,
    updatedAt: now,
  };
  world.builds.set(build.id, build);
  const plan = await planBuild(world, app, build);
  world.schedule(world.timing.build, build.id, `build ${build.id} of ${app.name}`, () => finishBuild(world, app, build, plan));
  return build;
}

function finishBuild(world: World, app: AppRecord, build: BuildRecord, plan: BuildPlan): void {
  if (!world.builds.has(build.id) || !world.apps.has(app.id)) return;
  build.updatedAt = world.now();
  if (plan.tree?.files.has("package.json")) build.output.push("-----> Node.js app detected", ...plan.notes);
  if (plan.failure !== null || !plan.tree) {
    build.status = "failed";
    build.output.push(` !     ${plan.failure ?? "Build failed"}`, " !     Push rejected, failed to compile Node.js app.", " !     Push failed");
    return;
  }
  build.output.push("-----> Installing dependencies", "       Installing node modules", "-----> Build succeeded!");
  const procfile = plan.tree.files.get("Procfile");
  const parsed = procfile === undefined ? { types: { web: "npm start" }, skipped: [] } : parseProcfile(procfile);
  for (const line of parsed.skipped) build.output.push(` !     Skipping Procfile line that is not "name: command": ${line}`);
  build.output.push("-----> Discovering process types", `       Procfile declares types -> ${Object.keys(parsed.types).join(", ") || "(none)"}`);
  const slug: SlugRecord = {
    id: world.uuid(),
    appId: app.id,
    processTypes: parsed.types,
    checksum: build.sourceBlob.checksum,
    commit: build.sourceBlob.version,
    stack: build.stack,
    size: plan.size,
    createdAt: world.now(),
  };
  world.slugs.set(slug.id, slug);
  app.stack = build.stack;
  build.status = "succeeded";
  build.slugId = slug.id;
  const release = createRelease(world, app, { description: `Deploy ${build.sourceBlob.version ?? slug.id.slice(0, 8)}`, slugId: slug.id });
  build.releaseId = release.id;
  build.output.push("-----> Compressing...", `       Done: ${(plan.size / 1_000_000).toFixed(1)}M`, "-----> Launching...", `       Released v${release.version}`);
}

export function renderBuild(world: World, build: BuildRecord): Record<string, unknown> {
  return {
    app: { id: build.appId },
    buildpacks: build.buildpacks.length > 0 ? build.buildpacks : null,
    created_at: build.createdAt,
    id: build.id,
    output_stream_url: `${world.urls.blob}/streams/builds/${build.id}`,
    release: build.releaseId ? { id: build.releaseId } : null,
    slug: build.slugId ? { id: build.slugId } : null,
    source_blob: {
      checksum: build.sourceBlob.checksum,
      url: build.sourceBlob.url,
      version: build.sourceBlob.version,
    },
    stack: build.stack,
    status: build.status,
    updated_at: build.updatedAt,
    user: userRef(world),
  };
}

function renderSlug(slug: SlugRecord): Record<string, unknown> {
  return {
    blob: { method: "GET", url: `https://slugs.example.invalid/${slug.id}.tgz` },
    buildpack_provided_description: "Node.js",
    checksum: slug.checksum,
    commit: slug.commit,
    commit_description: null,
    created_at: slug.createdAt,
    id: slug.id,
    process_types: slug.processTypes,
    size: slug.size,
    stack: { id: slug.stack, name: slug.stack },
    updated_at: slug.createdAt,
  };
}

function readBuildInput(body: Readonly<Record<string, unknown>>): Parameters<typeof createBuild>[2] {
  const blob = body["source_blob"];
  if (!isObject(blob)) throw invalidParams("Missing required params: source_blob.");
  const url = blob["url"];
  if (typeof url !== "string" || url === "") throw invalidParams("Missing required params: source_blob.url.");
  const checksum = blob["checksum"] ?? null;
  if (checksum !== null && (typeof checksum !== "string" || !CHECKSUM_RE.test(checksum))) {
    throw invalidParams('Invalid source_blob.checksum: expected "SHA256:<64 lowercase hex>".');
  }
  const version = blob["version"] ?? null;
  if (version !== null && typeof version !== "string") throw invalidParams("Invalid source_blob.version: expected a string.");
  const rawBuildpacks = body["buildpacks"] ?? [];
  if (!Array.isArray(rawBuildpacks)) throw invalidParams("Invalid buildpacks: expected an array.");
  const buildpacks = rawBuildpacks.map((bp: unknown) => {
    if (!isObject(bp)) throw invalidParams("Invalid buildpacks: each must be {url} or {name}.");
    const name = typeof bp["name"] === "string" ? bp["name"] : typeof bp["url"] === "string" ? bp["url"] : "";
    if (name === "") throw invalidParams("Invalid buildpacks: each must be {url} or {name}.");
    return { url: typeof bp["url"] === "string" ? bp["url"] : name, name };
  });
  return { url, checksum, version, buildpacks };
}

export function buildRoutes(router: Router): void {
  router
    .post("/sources", (ctx) => json(201, { source_blob: sourceUrls(ctx.world, createSource(ctx.world)) }))
    .post("/apps/:app/sources", (ctx) => json(201, { source_blob: sourceUrls(ctx.world, createSource(ctx.world)) }))
    .post("/apps/:app/builds", async (ctx) => {
      const app = ctx.world.app(ctx.params["app"] ?? "");
      const build = await createBuild(ctx.world, app, readBuildInput(objectBody(ctx)));
      return json(201, renderBuild(ctx.world, build));
    })
    .get("/apps/:app/builds", (ctx) => {
      const app = ctx.world.app(ctx.params["app"] ?? "");
      const builds = [...ctx.world.builds.values()].filter((b) => b.appId === app.id);
      return paginate(ctx, ctx.world.settings, builds, { id: (b) => b.id, created_at: (b) => b.createdAt }, (b) => renderBuild(ctx.world, b));
    })
    .get("/apps/:app/builds/:build", (ctx) => {
      const app = ctx.world.app(ctx.params["app"] ?? "");
      const build = ctx.world.builds.get(ctx.params["build"] ?? "");
      if (!build || build.appId !== app.id) throw notFound("Couldn't find that build.");
      return json(200, renderBuild(ctx.world, build));
    })
    .delete("/apps/:app/build-cache", (ctx) => {
      ctx.world.app(ctx.params["app"] ?? "");
      return json(202, {});
    })
    .get("/apps/:app/slugs/:slug", (ctx) => {
      const app = ctx.world.app(ctx.params["app"] ?? "");
      // An app sees its own slugs and those its releases run (a promoted slug is another app's).
      const slug = ctx.world.slugSeenBy(app.id, ctx.params["slug"] ?? "");
      if (!slug) throw notFound("Couldn't find that slug.");
      return json(200, renderSlug(slug));
    });
}

function s3Error(status: number, code: string, message: string): Reply {
  return {
    status,
    contentType: "application/xml",
    text: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>${code.length}F00D</RequestId></Error>`,
  };
}

function sourceFor(ctx: RequestContext, signatureOf: (s: SourceRecord) => string): SourceRecord | Reply {
  const id = (ctx.params["source"] ?? "").replace(/\.tgz$/, "");
  const source = ctx.world.sources.get(id);
  if (!source) return s3Error(404, "NoSuchKey", "The specified key does not exist.");
  if (ctx.query.get("X-Amz-Signature") !== signatureOf(source)) {
    return s3Error(403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.");
  }
  return source;
}

/** The S3-like blob host: source uploads/downloads and build/release output streams. No API auth here. */
export function blobRoutes(router: Router): void {
  router
    .put("/sources/:source", (ctx) => {
      const found = sourceFor(ctx, (s) => s.putSignature);
      if (!("id" in found)) return found;
      if (ctx.headers["authorization"] !== undefined) {
        return s3Error(400, "InvalidArgument", "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter should be specified.");
      }
      const contentType = ctx.headers["content-type"];
      if (contentType !== undefined && contentType !== "") {
        return s3Error(
          403,
          "SignatureDoesNotMatch",
          `The request signature we calculated does not match the signature you provided. Content-Type "${contentType}" was not signed.`,
        );
      }
      found.bytes = ctx.rawBody;
      found.uploads++;
      return { status: 200, text: "", headers: { ETag: `"${createHash("md5").update(ctx.rawBody).digest("hex")}"` } };
    })
    .get("/sources/:source", (ctx) => {
      const found = sourceFor(ctx, (s) => s.getSignature);
      if (!("id" in found)) return found;
      if (!found.bytes) return s3Error(404, "NoSuchKey", "The specified key does not exist.");
      return { status: 200, text: found.bytes, contentType: "application/octet-stream" };
    })
    .get("/streams/builds/:build", (ctx) => {
      const build = ctx.world.builds.get(ctx.params["build"] ?? "");
      if (!build) return { status: 404, text: "Not Found\n", contentType: "text/plain" };
      return { status: 200, text: build.output.map((l) => `${l}\n`).join(""), contentType: "text/plain; charset=utf-8" };
    })
    .get("/streams/releases/:release", (ctx) => {
      const release = ctx.world.releases.get(ctx.params["release"] ?? "");
      if (!release) return { status: 404, text: "Not Found\n", contentType: "text/plain" };
      return { status: 200, text: release.output.map((l) => `${l}\n`).join(""), contentType: "text/plain; charset=utf-8" };
    });
}
