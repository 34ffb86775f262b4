/**
 * Addon and AddonAttachment providers against the double: waiting for
 * provisioning and for the vars, plan change in place, replacement rules,
 * drift, lost answers, attachments through a Postgres credential.
 */
import { describe, expect, it } from "vitest";
import { providers } from "../../components/heroku/providers/index";
import type { HerokuDouble } from "../heroku-double/index";
import {
  checkFailures,
  createResource,
  diffResource,
  readResource,
  structProblems,
  updateResource,
} from "./scenario";
import { useHerokuDouble } from "./use-heroku-double";

let heroku: HerokuDouble;
let appId = "";
let otherAppId = "";
useHerokuDouble((h) => {
  heroku = h;
  appId = h.seed.app({ name: "addon-host" }).id;
  otherAppId = h.seed.app({ name: "addon-guest" }).id;
});

describe("Addon", () => {
  it("checks plan, name and attachment name together", async () => {
    const failures = await checkFailures("addon", { app: appId, plan: "postgres", name: "9bad", attachmentName: "lower" });
    expect(failures.map((f) => f.property)).toEqual(["plan", "name", "attachmentName"]);
  });

  it("creates once provisioned with its vars on the app, reads the same, changes plan in place, deletes", async () => {
    const db = await createResource("addon", { app: appId, plan: "heroku-postgresql:essential-0", name: "host-db", attachmentName: "DATABASE" });
    expect(structProblems(db.outputs)).toEqual([]);
    expect(db.outputs).toMatchObject({
      addonId: db.id,
      name: "host-db",
      plan: "heroku-postgresql:essential-0",
      state: "provisioned",
      configVarNames: ["DATABASE_URL"],
      appId,
    });
    const url = (db.outputs["configVars"] as Record<string, string>)["DATABASE_URL"];
    expect(url).toBe(heroku.state.configVars("addon-host")["DATABASE_URL"]);
    expect(url).toMatch(/^postgres:\/\//);

    expect(await readResource(db)).toEqual({ id: db.id, props: db.outputs });
    const same = { app: appId, plan: "heroku-postgresql:essential-0", name: "host-db", attachmentName: "DATABASE" };
    expect((await diffResource(db, same)).changes).toBe(false);

    const bigger = { ...same, plan: "heroku-postgresql:essential-1" };
    expect(await diffResource(db, bigger)).toMatchObject({ changes: true, replaces: [] });
    await updateResource(db, bigger);
    expect(db.outputs).toMatchObject({ addonId: db.id, plan: "heroku-postgresql:essential-1", state: "provisioned" });
    expect(heroku.state.addon(db.id)?.plan).toBe("essential-1");
    expect(await readResource(db)).toEqual({ id: db.id, props: db.outputs });

    await providers.addon.delete?.(db.id, db.outputs);
    expect(heroku.state.addon(db.id)).toBeUndefined();
    expect((await readResource(db)).id).toBe("");
    await expect(providers.addon.delete?.(db.id, db.outputs)).resolves.toBeUndefined();
  });

  it("replaces for another service, app, attachment name or creation config; deletes first when named", async () => {
    const redis = await createResource("addon", { app: appId, plan: "heroku-redis:mini", attachmentName: "CACHE" });
    const base = { app: appId, plan: "heroku-redis:mini", attachmentName: "CACHE" };
    expect(await diffResource(redis, { ...base, plan: "heroku-postgresql:essential-0" })).toMatchObject({ replaces: ["plan"], deleteBeforeReplace: true });
    expect(await diffResource(redis, { ...base, app: otherAppId })).toMatchObject({ replaces: ["app"] });
    expect(await diffResource(redis, { ...base, attachmentName: "QUEUE" })).toMatchObject({ replaces: ["attachmentName"] });
    expect(await diffResource(redis, { ...base, config: { version: "7" } })).toMatchObject({ replaces: ["config"] });
    expect((await diffResource(redis, base)).changes).toBe(false);
  });

  it("reports a hand-made plan change and a deletion on refresh", async () => {
    const cache = await createResource("addon", { app: appId, plan: "heroku-redis:mini", attachmentName: "DRIFT_CACHE" });
    heroku.handEdit.addonPlan(cache.id, "heroku-redis:premium-0");
    const read = await readResource(cache);
    expect(read.props["plan"]).toBe("heroku-redis:premium-0");
    cache.outputs = read.props;
    expect(await diffResource(cache, { app: appId, plan: "heroku-redis:mini", attachmentName: "DRIFT_CACHE" })).toMatchObject({ changes: true, replaces: [] });
    heroku.handEdit.deleteAddon(cache.id);
    expect((await readResource(cache)).id).toBe("");
  });

  it("fails with Heroku's reason when provisioning fails", async () => {
    heroku.control.failNextAddonProvision({ app: "addon-host" });
    await expect(createResource("addon", { app: appId, plan: "heroku-redis:mini", attachmentName: "DOOMED" })).rejects.toThrow(
      /Heroku could not provision add-on .* \(heroku-redis:mini\) on app addon-host/,
    );
  });

  it("resumes creates whose answer was lost: named, by attachment name, and unnamed", async () => {
    const count = () => heroku.state.addonsOf("addon-host").length;
    for (const inputs of [
      { app: appId, plan: "heroku-redis:mini", name: "lost-named" },
      { app: appId, plan: "heroku-redis:mini", attachmentName: "LOST_ATTACHMENT" },
      { app: appId, plan: "scheduler:standard" },
    ]) {
      const before = count();
      heroku.faults.inject("commit-then-drop", { method: "POST", path: "/apps/:app/addons" });
      const addon = await createResource("addon", inputs);
      expect(count()).toBe(before + 1);
      expect(addon.outputs["state"]).toBe("provisioned");
    }
  });
});

describe("AddonAttachment", () => {
  it("attaches, exposes the vars, reads the same, replaces on any change, detaches", async () => {
    const db = await createResource("addon", { app: appId, plan: "heroku-postgresql:standard-0", name: "shared-db", attachmentName: "DATABASE" });
    const inputs = { addon: db.id, app: otherAppId, name: "HERMES_DATABASE" };
    const attachment = await createResource("attachment", inputs);
    expect(structProblems(attachment.outputs)).toEqual([]);
    expect(attachment.outputs).toMatchObject({ name: "HERMES_DATABASE", configVarNames: ["HERMES_DATABASE_URL"], addonId: db.id, appId: otherAppId });
    const vars = attachment.outputs["configVars"] as Record<string, string>;
    expect(vars["HERMES_DATABASE_URL"]).toBe(heroku.state.configVars("addon-guest")["HERMES_DATABASE_URL"]);
    expect(await readResource(attachment)).toEqual({ id: attachment.id, props: attachment.outputs });
    expect((await diffResource(attachment, inputs)).changes).toBe(false);
    expect(await diffResource(attachment, { ...inputs, name: "OTHER_DATABASE" })).toMatchObject({ replaces: ["name"], deleteBeforeReplace: true });
    expect(await diffResource(attachment, { ...inputs, namespace: "credential:x" })).toMatchObject({ replaces: ["namespace"] });

    await providers.attachment.delete?.(attachment.id, attachment.outputs);
    expect(heroku.state.attachmentsOf("addon-guest").map((a) => a.name)).not.toContain("HERMES_DATABASE");
    expect((await readResource(attachment)).id).toBe("");
  });

  it("exposes a Postgres credential through its namespace", async () => {
    const db = await createResource("addon", { app: appId, plan: "heroku-postgresql:standard-0", name: "cred-db", attachmentName: "ADMIN_DATABASE" });
    const credential = await createResource("postgresCredential", { addon: db.id, name: "guest", plan: "standard-0" });
    const attachment = await createResource("attachment", { addon: db.id, app: otherAppId, name: "GUEST_DATABASE", namespace: "credential:guest" });
    const url = (attachment.outputs["configVars"] as Record<string, string>)["GUEST_DATABASE_URL"];
    expect(url).toContain(`${credential.outputs["user"]}:`);
    expect(attachment.outputs["namespace"]).toBe("credential:guest");
  });

  it("resumes an attachment whose answer was lost", async () => {
    const db = await createResource("addon", { app: appId, plan: "heroku-postgresql:essential-0", name: "lost-att-db", attachmentName: "LOST_ATT_DATABASE" });
    heroku.faults.inject("commit-then-drop", { method: "POST", path: "/addon-attachments" });
    await createResource("attachment", { addon: db.id, app: otherAppId, name: "RESUMED_DATABASE" });
    expect(heroku.state.attachmentsOf("addon-guest").filter((a) => a.name === "RESUMED_DATABASE")).toHaveLength(1);
  });
});
