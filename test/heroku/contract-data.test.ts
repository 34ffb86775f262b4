/** PostgresCredential, RedisConfig and PostgresBackupSchedule providers against the double's data API. */
import { describe, expect, it } from "vitest";
import { providers } from "../../components/heroku/providers/index";
import type { HerokuDouble } from "../heroku-double/index";
import { checkFailures, createResource, diffResource, readResource, structProblems, updateResource } from "./scenario";
import { useHerokuDouble } from "./use-heroku-double";

let heroku: HerokuDouble;
let standardDb = "";
let redisId = "";
useHerokuDouble((h) => {
  heroku = h;
  h.seed.app({ name: "data-app" });
  standardDb = h.seed.addon({ app: "data-app", plan: "heroku-postgresql:standard-0", attachmentName: "DATABASE" }).id;
  redisId = h.seed.addon({ app: "data-app", plan: "heroku-redis:premium-0", attachmentName: "REDIS" }).id;
});

describe("PostgresCredential", () => {
  it("check refuses Essential plans, naming the plan and what is needed", async () => {
    const failures = await checkFailures("postgresCredential", { addon: standardDb, name: "app", plan: "heroku-postgresql:essential-0" });
    expect(failures).toEqual([{ property: "plan", reason: expect.stringMatching(/essential-0 has no extra credentials: .*need Standard or higher/) }]);
    expect(await checkFailures("postgresCredential", { addon: standardDb, name: "default", plan: "standard-0" })).toHaveLength(1);
  });

  it("creates once active, reads the same, rotates in place, destroys", async () => {
    const inputs = { addon: standardDb, name: "euterpe", plan: "standard-0" };
    const credential = await createResource("postgresCredential", inputs);
    expect(structProblems(credential.outputs)).toEqual([]);
    const live = heroku.state.pgCredentials(standardDb).find((c) => c.name === "euterpe");
    expect(credential.outputs).toMatchObject({ credentialName: "euterpe", state: "active", user: live?.user, password: live?.password });
    expect(String(credential.outputs["url"])).toMatch(new RegExp(`^postgres://${live?.user}:${live?.password}@`));
    expect(await readResource(credential)).toEqual({ id: credential.id, props: credential.outputs });
    expect((await diffResource(credential, inputs)).changes).toBe(false);
    expect(await diffResource(credential, { ...inputs, name: "other" })).toMatchObject({ replaces: ["name"], deleteBeforeReplace: true });

    const oldPassword = credential.outputs["password"];
    expect(await diffResource(credential, { ...inputs, rotation: "2026-11" })).toMatchObject({ changes: true, replaces: [] });
    await updateResource(credential, { ...inputs, rotation: "2026-11" });
    expect(credential.outputs["password"]).not.toBe(oldPassword);
    expect(credential.outputs["password"]).toBe(heroku.state.pgCredentials(standardDb).find((c) => c.name === "euterpe")?.password);

    heroku.handEdit.rotateCredential(standardDb, "euterpe");
    heroku.settle();
    expect((await readResource(credential)).props["password"]).not.toBe(credential.outputs["password"]);

    await providers.postgresCredential.delete?.(credential.id, credential.outputs);
    expect(heroku.state.pgCredentials(standardDb).map((c) => c.name)).not.toContain("euterpe");
    expect((await readResource(credential)).id).toBe("");
  });

  it("resumes a credential whose answer was lost", async () => {
    heroku.faults.inject("commit-then-drop", { host: "data", method: "POST" });
    await createResource("postgresCredential", { addon: standardDb, name: "lost-cred", plan: "standard-0" });
    expect(heroku.state.pgCredentials(standardDb).filter((c) => c.name === "lost-cred")).toHaveLength(1);
  });
});

describe("RedisConfig", () => {
  it("sets the policy, reads the same, shows drift, restores defaults on delete", async () => {
    expect(await checkFailures("redisConfig", { addon: redisId, maxmemoryPolicy: "lru-please" })).toHaveLength(1);
    const inputs = { addon: redisId, maxmemoryPolicy: "allkeys-lru", timeout: 120 };
    const config = await createResource("redisConfig", inputs);
    expect(config.outputs).toEqual({ addon: redisId, maxmemoryPolicy: "allkeys-lru", timeout: 120, manageTimeout: true });
    expect(heroku.state.redisConfig(redisId)).toMatchObject({ maxmemory_policy: "allkeys-lru", timeout: 120 });
    expect(await readResource(config)).toEqual({ id: config.id, props: config.outputs });
    expect((await diffResource(config, inputs)).changes).toBe(false);
    heroku.handEdit.redisConfig(redisId, { maxmemory_policy: "noeviction" });
    const drift = await readResource(config);
    expect(drift.props["maxmemoryPolicy"]).toBe("noeviction");
    config.outputs = drift.props;
    expect(await diffResource(config, inputs)).toMatchObject({ changes: true, replaces: [] });
    await updateResource(config, inputs);
    expect(heroku.state.redisConfig(redisId)?.maxmemory_policy).toBe("allkeys-lru");
    await providers.redisConfig.delete?.(config.id, config.outputs);
    expect(heroku.state.redisConfig(redisId)).toMatchObject({ maxmemory_policy: "noeviction", timeout: 300 });
  });
});

describe("PostgresBackupSchedule", () => {
  it("schedules, reads the same, reschedules in place, unschedules", async () => {
    expect(await checkFailures("pgBackupSchedule", { addon: standardDb, hour: "24", timezone: "UTC", scheduleName: "DATABASE" })).toHaveLength(2);
    const inputs = { addon: standardDb, hour: "02", timezone: "UTC", scheduleName: "DATABASE_URL" };
    const schedule = await createResource("pgBackupSchedule", inputs);
    expect(structProblems(schedule.outputs)).toEqual([]);
    expect(schedule.outputs).toMatchObject({ scheduleId: schedule.id, hour: "02", timezone: "UTC", scheduleName: "DATABASE_URL" });
    expect(await readResource(schedule)).toEqual({ id: schedule.id, props: schedule.outputs });
    expect((await diffResource(schedule, inputs)).changes).toBe(false);
    await updateResource(schedule, { ...inputs, hour: "05", timezone: "Europe/Paris" });
    expect(heroku.state.backupSchedulesOf(standardDb)).toMatchObject([{ hour: "05", timezone: "Europe/Paris" }]);
    await providers.pgBackupSchedule.delete?.(schedule.id, schedule.outputs);
    expect(heroku.state.backupSchedulesOf(standardDb)).toHaveLength(0);
    expect((await readResource(schedule)).id).toBe("");
  });
});
