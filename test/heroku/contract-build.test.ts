/**
 * Build and Formation providers against the double: source upload as S3
 * wants it, checksum, waiting for the build and the release phase, failures
 * with the output tail (redacted), replacement by SHA-256 only, and scaling.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { formationSize } from "../../components/heroku/providers/formation";
import { providers } from "../../components/heroku/providers/index";
import { formationSchema } from "../../components/heroku/schemas";
import { packSource } from "../../components/heroku/source-archive";
import type { HerokuDouble } from "../heroku-double/index";
import {
  checkFailures,
  createResource,
  diffResource,
  makeAppSource,
  readResource,
  structProblems,
  updateResource,
} from "./scenario";
import { useHerokuDouble } from "./use-heroku-double";

let heroku: HerokuDouble;
let appId = "";
useHerokuDouble((h) => {
  heroku = h;
  appId = h.seed.app({ name: "build-app", configVars: { BUILD_SECRET: "secret-seen-by-build-77" } }).id;
});

describe("Build", () => {
  it("uploads without auth or Content-Type, builds with the checksum, waits for the release, reads the same", async () => {
    const source = makeAppSource({ marker: "v1" });
    const archive = await packSource(source);
    const build = await createResource("build", { app: appId, sourceDir: source, sourceSha256: archive.sha256 });
    expect(structProblems(build.outputs)).toEqual([]);
    expect(build.outputs).toMatchObject({
      buildId: build.id,
      status: "succeeded",
      sourceSha256: archive.sha256,
      processTypes: { web: "node index.js", worker: "node worker.js", release: "node migrate.js" },
    });
    const upload = heroku.requests.find((r) => r.host === "blob" && r.method === "PUT");
    expect(upload?.auth).toBe("none");
    expect(upload?.headers["content-type"]).toBeUndefined();
    const started = heroku.requests.find((r) => r.method === "POST" && r.path.endsWith("/builds"));
    expect(started?.body).toMatchObject({ source_blob: { checksum: `SHA256:${archive.sha256}` } });
    const release = heroku.state.currentRelease("build-app");
    expect(release?.id).toBe(build.outputs["releaseId"]);
    expect(release?.version).toBe(build.outputs["releaseVersion"]);
    expect(release?.status).toBe("succeeded");

    expect(await readResource(build)).toEqual({ id: build.id, props: build.outputs });
    const same = { app: appId, sourceDir: source, sourceSha256: archive.sha256 };
    expect((await diffResource(build, same)).changes).toBe(false);
    expect(await diffResource(build, { ...same, sourceSha256: "0".repeat(64) })).toMatchObject({ changes: true, replaces: ["sourceSha256"] });
    expect(await diffResource(build, { ...same, buildpacks: ["heroku/nodejs"] })).toMatchObject({ replaces: ["buildpacks"] });
    // Same content in another folder: recorded, not rebuilt.
    expect(await diffResource(build, { ...same, sourceDir: `${source}/.` })).toMatchObject({ changes: true, replaces: [] });
    const buildsBefore = heroku.state.buildsOf("build-app").length;
    await updateResource(build, { ...same, sourceDir: `${source}/.` });
    expect(heroku.state.buildsOf("build-app")).toHaveLength(buildsBefore);
    await providers.build.delete?.(build.id, build.outputs);
  });

  it("an unchanged folder packs to the same SHA-256 (no rebuild), a changed one does not", async () => {
    const source = makeAppSource({ marker: "same" });
    const first = await packSource(source);
    expect((await packSource(source)).sha256).toBe(first.sha256);
    writeFileSync(join(source, "index.js"), "console.log('changed');\n");
    expect((await packSource(source)).sha256).not.toBe(first.sha256);
  });

  it("fails with the tail of the build output, secrets masked", async () => {
    heroku.control.failNextBuild({ app: "build-app", message: "npm ERR! bad token secret-seen-by-build-77 in .npmrc" });
    const error = await createResource("build", { app: appId, sourceDir: makeAppSource() }).then(
      () => new Error("expected a failure"),
      (e: unknown) => e as Error,
    );
    expect(error.message).toMatch(/Building .* on app .*: build [0-9a-f-]+ of app .* failed\. Build output \(last \d+ lines\):/);
    expect(error.message).toContain("npm ERR! bad token [redacted] in .npmrc");
    expect(error.message).toContain("Push rejected, failed to compile Node.js app.");
    expect(error.message).not.toContain("secret-seen-by-build-77");
  });

  it("fails naming the release version when the release phase fails", async () => {
    heroku.control.failNextReleasePhase({ app: "build-app", message: "migration 004 failed: relation exists" });
    await expect(createResource("build", { app: appId, sourceDir: makeAppSource({ marker: "release-fails" }) })).rejects.toThrow(
      /the build succeeded but release v\d+ failed in the release phase, so it was not deployed .*migration 004 failed/s,
    );
  });

  it("resumes a build whose start answer was lost instead of building twice", async () => {
    const before = heroku.state.buildsOf("build-app").length;
    heroku.faults.inject("commit-then-drop", { method: "POST", path: "/apps/:app/builds" });
    await createResource("build", { app: appId, sourceDir: makeAppSource({ marker: "lost" }) });
    expect(heroku.state.buildsOf("build-app")).toHaveLength(before + 1);
  });

  it("retries the upload when the blob host drops the connection", async () => {
    heroku.faults.inject("drop", { host: "blob", method: "PUT" });
    const build = await createResource("build", { app: appId, sourceDir: makeAppSource({ marker: "upload-retry" }) });
    expect(build.outputs["status"]).toBe("succeeded");
  });
});

describe("Formation", () => {
  let formationApp = "";

  beforeAll(() => {
    formationApp = heroku.seed.app({ name: "scale-app" }).id;
    heroku.seed.deploy({ app: "scale-app", processTypes: { web: "node index.js", worker: "node worker.js", clock: "node clock.js", release: "node migrate.js" } });
  });

  it("check rejects what Heroku would: eco/basic above 1, mixed tiers, scaling release", async () => {
    const failures = await checkFailures("formation", {
      app: formationApp,
      processes: { web: { quantity: 2, size: "eco" }, worker: { quantity: 1, size: "standard-1X" }, release: { quantity: 1, size: "eco" } },
    });
    expect(failures.map((f) => f.property).sort()).toEqual(["processes", "processes.release", "processes.web.quantity"]);
    expect(failures.find((f) => f.property === "processes.web.quantity")?.reason).toMatch(/eco allows 1 per process type/);
    expect(failures.find((f) => f.property === "processes")?.reason).toMatch(/does not mix eco, professional dyno tiers/);
  });

  it("scales in one batch, compares sizes case-insensitively, reads the same, scales to 0 on delete", async () => {
    const inputs = { app: formationApp, processes: { web: { quantity: 2, size: "standard-1x" }, worker: { quantity: 1, size: "Standard-2X" } } };
    const formation = await createResource("formation", inputs);
    expect(structProblems(formation.outputs)).toEqual([]);
    expect(formation.outputs["processes"]).toEqual({ web: { quantity: 2, size: "Standard-1X" }, worker: { quantity: 1, size: "Standard-2X" } });
    expect(heroku.requests.filter((r) => r.method === "PATCH")).toHaveLength(1);
    expect(await readResource(formation)).toEqual({ id: formation.id, props: formation.outputs });
    expect((await diffResource(formation, inputs)).changes).toBe(false);

    heroku.clearRequests();
    const next = { app: formationApp, processes: { web: { quantity: 3, size: "standard-1X" }, worker: { quantity: 1, size: "standard-2x" } } };
    await updateResource(formation, next);
    const patch = heroku.requests.filter((r) => r.method === "PATCH");
    expect(patch).toHaveLength(1);
    expect(patch[0]?.body).toEqual({ updates: [{ type: "web", quantity: 3, size: "standard-1X" }] });
    expect(heroku.state.formationOf("scale-app")["web"]).toMatchObject({ quantity: 3, size: "Standard-1X" });

    heroku.handEdit.scale("scale-app", [{ type: "web", quantity: 1 }]);
    const drift = await readResource(formation);
    expect(drift.props["processes"]).toMatchObject({ web: { quantity: 1 } });
    formation.outputs = drift.props;
    expect((await diffResource(formation, next)).changes).toBe(true);

    await providers.formation.delete?.(formation.id, formation.outputs);
    expect(heroku.state.formationOf("scale-app")).toMatchObject({ web: { quantity: 0 }, worker: { quantity: 0 } });
  });

  it("resizes Basic to 2 × Standard-1X through `size` (the only size field of an update), visible in Heroku's state", async () => {
    const formation = await createResource("formation", {
      app: formationApp,
      processes: { web: { quantity: 1, size: "basic" }, worker: { quantity: 1, size: "basic" } },
    });
    expect(heroku.state.formationOf("scale-app")).toMatchObject({ web: { quantity: 1, size: "Basic" }, worker: { quantity: 1, size: "Basic" } });
    heroku.clearRequests();
    // A server that ignored the size would refuse this: two Basic dynos of one type are not allowed.
    await updateResource(formation, { app: formationApp, processes: { web: { quantity: 2, size: "standard-1X" }, worker: { quantity: 1, size: "standard-1X" } } });
    expect(heroku.state.formationOf("scale-app")).toMatchObject({ web: { quantity: 2, size: "Standard-1X" }, worker: { quantity: 1, size: "Standard-1X" } });
    const sent = heroku.requests.find((r) => r.method === "PATCH")?.body as { updates: Array<Record<string, unknown>> };
    expect(sent.updates.every((u) => typeof u["size"] === "string" && !("dyno_size" in u))).toBe(true);
    expect(formation.outputs["processes"]).toEqual({ web: { quantity: 2, size: "Standard-1X" }, worker: { quantity: 1, size: "Standard-1X" } });
  });

  it("reads the size from `size`, and from a `dyno_size` object only where an answer has no `size`", () => {
    const entry = (extra: Record<string, unknown>) => formationSchema().parse({ id: "f", type: "web", quantity: 1, ...extra });
    expect(formationSize(entry({ size: "Standard-1X", dyno_size: { name: "Basic" } }))).toBe("Standard-1X");
    expect(formationSize(entry({ dyno_size: { id: "d", name: "Standard-2X" } }))).toBe("Standard-2X");
    expect(formationSize(entry({ size: null, dyno_size: { name: "Performance-M" } }))).toBe("Performance-M");
    expect(formationSize(entry({ size: "Basic" }))).toBe("Basic");
  });

  it("moves idle undeclared types along when the tier changes", async () => {
    const formation = await createResource("formation", {
      app: formationApp,
      processes: { web: { quantity: 1, size: "basic" }, worker: { quantity: 1, size: "basic" } },
    });
    expect(formation.outputs["processes"]).toEqual({ web: { quantity: 1, size: "Basic" }, worker: { quantity: 1, size: "Basic" } });
    expect(heroku.state.formationOf("scale-app")["clock"]).toMatchObject({ quantity: 0, size: "Basic" });
  });

  it("says the build must define a process type first", async () => {
    await expect(
      createResource("formation", { app: formationApp, processes: { web: { quantity: 1, size: "basic" }, scraper: { quantity: 1, size: "basic" } } }),
    ).rejects.toThrow(/404 not_found: Couldn't find that process type \(scraper\).* does not define process type scraper: the build must define it first/s);
  });
});
