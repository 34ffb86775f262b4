/**
 * rediss:// as Heroku gives it: TLS with a self-signed certificate and a
 * password in the URL. A second redis-server of this test's own (TLS only, on
 * a free port, stopped at the end) stands in for Heroku Redis.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, createProduct, freePort, redisConnected, startSuite, type ProductBody, type Suite } from "./support/harness.js";

const REDIS_SERVER = "/usr/bin/redis-server";
const OPENSSL = "/usr/bin/openssl";
const PASSWORD = "tls-redis-password";

describe.skipIf(!existsSync(REDIS_SERVER) || !existsSync(OPENSSL))("Redis over TLS with a self-signed certificate", () => {
  let suite: Suite;
  let dir: string;
  let server: ChildProcess;
  let port: number;

  beforeAll(async () => {
    suite = await startSuite("redistls");
    dir = mkdtempSync(join(tmpdir(), "shop-sentiment-redis-tls-"));
    const made = spawnSync(OPENSSL, ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "key.pem", "-out", "cert.pem", "-days", "1", "-subj", "/CN=redis.example"], {
      cwd: dir,
    });
    if (made.status !== 0) throw new Error(`openssl failed: ${made.stderr.toString()}`);
    port = await freePort();
    server = spawn(
      REDIS_SERVER,
      ["--port", "0", "--tls-port", String(port), "--tls-cert-file", "cert.pem", "--tls-key-file", "key.pem", "--tls-auth-clients", "no", "--requirepass", PASSWORD, "--save", "", "--appendonly", "no"],
      { cwd: dir, stdio: ["ignore", "pipe", "pipe"] },
    );
    await new Promise<void>((resolve, reject) => {
      server.once("exit", (code) => reject(new Error(`redis-server exited with ${code}`)));
      server.stdout?.on("data", (chunk: Buffer) => {
        if (chunk.toString().includes("Ready to accept connections")) resolve();
      });
    });
  });
  afterAll(async () => {
    if (server && server.exitCode === null) {
      server.kill("SIGTERM");
      await new Promise((resolve) => server.once("exit", resolve));
    }
    await suite?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("connects with rediss:// and caches through it", async () => {
    const app = await suite.start({ REDIS_URL: `rediss://:${PASSWORD}@127.0.0.1:${port}` });
    await redisConnected(app);
    const product = await createProduct(app.url, { name: "Over TLS" });
    const first = await call<ProductBody>(app.url, "GET", `/api/v1/products/${product.id}`);
    const second = await call<ProductBody>(app.url, "GET", `/api/v1/products/${product.id}`);
    expect([first.headers.get("x-cache"), second.headers.get("x-cache")]).toEqual(["miss", "hit"]);
  });

  it("plain redis:// to the TLS port does not connect: the app stays up, degraded", async () => {
    const app = await suite.start({ REDIS_URL: `redis://:${PASSWORD}@127.0.0.1:${port}` });
    const health = await call(app.url, "GET", "/health");
    expect(health).toMatchObject({ status: 200, body: { status: "degraded", failed: ["redis"] } });
  });
});
