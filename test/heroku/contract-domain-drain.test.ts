/** Domain and Drain providers against the double. */
import { describe, expect, it } from "vitest";
import { providers } from "../../components/heroku/providers/index";
import type { HerokuDouble } from "../heroku-double/index";
import { checkFailures, createResource, diffResource, readResource, structProblems } from "./scenario";
import { useHerokuDouble } from "./use-heroku-double";

let heroku: HerokuDouble;
let appId = "";
useHerokuDouble((h) => {
  heroku = h;
  appId = h.seed.app({ name: "web-app", acm: true }).id;
});

describe("Domain", () => {
  it("check rejects what is not a hostname, or is Heroku's", async () => {
    expect(await checkFailures("domain", { app: appId, hostname: "Shop.Example.com" })).toHaveLength(1);
    expect(await checkFailures("domain", { app: appId, hostname: "x.herokuapp.com" })).toEqual([
      { property: "hostname", reason: expect.stringMatching(/belongs to Heroku/) },
    ]);
  });

  it("adds with sni_endpoint null, returns the DNS target, reads the same, replaces on a new hostname, removes", async () => {
    const domain = await createResource("domain", { app: appId, hostname: "shop.example.com" });
    expect(heroku.requests.find((r) => r.method === "POST")?.body).toEqual({ hostname: "shop.example.com", sni_endpoint: null });
    expect(structProblems(domain.outputs)).toEqual([]);
    expect(domain.outputs).toMatchObject({ domainId: domain.id, hostname: "shop.example.com", appId });
    expect(String(domain.outputs["cname"])).toMatch(/\.herokudns\.com$/);
    expect(await readResource(domain)).toMatchObject({ id: domain.id, props: { cname: domain.outputs["cname"], hostname: "shop.example.com" } });
    expect((await diffResource(domain, { app: appId, hostname: "shop.example.com" })).changes).toBe(false);
    expect(await diffResource(domain, { app: appId, hostname: "www.example.com" })).toMatchObject({ replaces: ["hostname"], deleteBeforeReplace: true });

    expect(domain.outputs["certificateIssued"]).toBe(false);
    heroku.settle();
    expect((await readResource(domain)).props).toMatchObject({ status: "succeeded", acmStatus: "cert issued", certificateIssued: true });
    // A renewal that fails its checks does not make the domain look never certified.
    heroku.handEdit.acmStatus("shop.example.com", "failing", "CAA record prevents issuance");
    const renewing = await readResource({ ...domain, outputs: { ...domain.outputs, certificateIssued: true } });
    expect(renewing.props).toMatchObject({ acmStatus: "failing", certificateIssued: true });

    await providers.domain.delete?.(domain.id, domain.outputs);
    expect(heroku.state.domainsOf("web-app")).toHaveLength(0);
    expect((await readResource(domain)).id).toBe("");
    await expect(providers.domain.delete?.(domain.id, domain.outputs)).resolves.toBeUndefined();
  });

  it("resumes a domain whose answer was lost", async () => {
    heroku.faults.inject("commit-then-drop", { method: "POST", path: "/apps/:app/domains" });
    await createResource("domain", { app: appId, hostname: "lost.example.com" });
    expect(heroku.state.domainsOf("web-app").filter((d) => d.hostname === "lost.example.com")).toHaveLength(1);
  });

  it("sees a domain removed by hand as gone", async () => {
    const domain = await createResource("domain", { app: appId, hostname: "gone.example.com" });
    heroku.handEdit.deleteDomain("web-app", "gone.example.com");
    expect((await readResource(domain)).id).toBe("");
  });
});

describe("Drain", () => {
  const url = "syslog+tls://user:drain-pass-123@logs.example.com:6514";

  it("adds, keeps the URL out of paths, reads the same, replaces for a new URL, removes", async () => {
    const drain = await createResource("drain", { app: appId, url });
    expect(structProblems(drain.outputs)).toEqual([]);
    expect(drain.outputs).toMatchObject({ drainId: drain.id, url, appId });
    expect(String(drain.outputs["token"])).toMatch(/^d\./);
    expect(await readResource(drain)).toEqual({ id: drain.id, props: drain.outputs });
    expect((await diffResource(drain, { app: appId, url })).changes).toBe(false);
    expect(await diffResource(drain, { app: appId, url: "https://logs.example.com/x" })).toMatchObject({ replaces: ["url"], deleteBeforeReplace: true });
    await providers.drain.delete?.(drain.id, drain.outputs);
    expect(heroku.state.drainsOf("web-app")).toHaveLength(0);
    expect((await readResource(drain)).id).toBe("");
    expect(heroku.requests.some((r) => r.path.includes("drain-pass") || r.path.includes(encodeURIComponent(url)))).toBe(false);
  });

  it("check explains a bad URL without showing it", async () => {
    const failures = await checkFailures("drain", { app: appId, url: "ftp://secret-host/with-token-xyz" });
    expect(failures).toHaveLength(1);
    expect(failures[0]?.reason).not.toContain("with-token-xyz");
  });

  it("resumes a drain whose answer was lost (one drain per URL)", async () => {
    heroku.faults.inject("commit-then-drop", { method: "POST", path: "/apps/:app/log-drains" });
    const drain = await createResource("drain", { app: appId, url });
    expect(heroku.state.drainsOf("web-app")).toHaveLength(1);
    await providers.drain.delete?.(drain.id, drain.outputs);
  });
});
