/**
 * Who may write: a browser with its session's CSRF token, or a server with an
 * API key. A write with neither is refused before anything changes; keys
 * rotate without downtime — the old and the new key both write while the list
 * holds both, sessions made under the previous session key stay valid.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SESSION_COOKIE } from "../src/security/session.js";
import {
  API_KEY_A,
  API_KEY_B,
  Browser,
  call,
  createProduct,
  csrfTokenIn,
  SESSION_KEY_A,
  SESSION_KEY_B,
  startSuite,
  type ProductBody,
  type RunningApp,
  type Suite,
} from "./support/harness.js";

describe("writes", () => {
  let suite: Suite;
  let app: RunningApp;
  let product: ProductBody;

  beforeAll(async () => {
    suite = await startSuite("security");
    app = await suite.start();
    product = await createProduct(app.url, { name: "Guarded product" });
  });
  afterAll(async () => {
    await suite?.close();
  });

  const reviewCount = async () =>
    Number((await suite.db.query<{ n: string }>("SELECT count(*) AS n FROM shop_sentiment.reviews WHERE product_id = $1", [product.id])).rows[0]?.n);
  const reviewsPath = () => `/api/v1/products/${product.id}/reviews`;

  describe("CSRF", () => {
    it("refuses a JSON write without a session or token, and changes nothing", async () => {
      const before = await reviewCount();
      const response = await call(app.url, "POST", reviewsPath(), { body: { rating: 5, text: "forged" } });
      expect(response.status).toBe(403);
      expect(response.body.error).toBe("csrf_session_missing");
      expect(String(response.body.message)).toContain("/api/v1/csrf-token");
      expect(await reviewCount()).toBe(before);
    });

    it("refuses a write with a session but no token, or a token from another session", async () => {
      const browser = new Browser(app.url);
      const { token } = (await (await browser.request("GET", "/api/v1/csrf-token")).json()) as { token: string };
      expect(browser.cookie(SESSION_COOKIE)).toBeDefined();
      const noToken = await browser.request("POST", reviewsPath(), { body: JSON.stringify({ rating: 5, text: "x" }), headers: { "content-type": "application/json" } });
      expect(noToken.status).toBe(403);
      expect(((await noToken.json()) as { error: string }).error).toBe("csrf_token_invalid");

      const stranger = new Browser(app.url);
      await stranger.request("GET", "/api/v1/csrf-token");
      const stolen = await stranger.request("POST", reviewsPath(), {
        body: JSON.stringify({ rating: 5, text: "x" }),
        headers: { "content-type": "application/json", "x-csrf-token": token },
      });
      expect(stolen.status).toBe(403);

      const own = await browser.request("POST", reviewsPath(), {
        body: JSON.stringify({ rating: 5, text: "Nice, with my own token" }),
        headers: { "content-type": "application/json", "x-csrf-token": token },
      });
      expect(own.status).toBe(201);
    });

    it("the form on the product page posts with the token the page carries; a form from elsewhere is refused", async () => {
      const browser = new Browser(app.url);
      const page = await browser.get(`/products/${product.id}`);
      expect(page.status).toBe(200);
      const token = csrfTokenIn(await page.text());
      const before = await reviewCount();

      const forged = await new Browser(app.url).postForm(`/products/${product.id}/reviews`, { rating: "1", text: "cross-site" });
      expect(forged.status).toBe(403);
      expect(forged.headers.get("content-type")).toContain("text/html");
      expect(await forged.text()).toContain("reload the page");
      const wrongToken = await browser.postForm(`/products/${product.id}/reviews`, { _csrf: `${token}x`, rating: "1", text: "tampered" });
      expect(wrongToken.status).toBe(403);
      expect(await reviewCount()).toBe(before);

      const posted = await browser.postForm(`/products/${product.id}/reviews`, { _csrf: token, author: "Dana", rating: "4", text: "Solid and quiet" });
      expect(posted.status).toBe(303);
      expect(posted.headers.get("location")).toMatch(new RegExp(`^/products/${product.id}#review-[0-9a-f-]{36}$`));
      expect(await reviewCount()).toBe(before + 1);
    });

    it("a CSRF token is no API key: catalog writes from a browser session are refused", async () => {
      const browser = new Browser(app.url);
      const { token } = (await (await browser.request("GET", "/api/v1/csrf-token")).json()) as { token: string };
      const response = await browser.request("POST", "/api/v1/products", {
        body: JSON.stringify({ name: "From a browser" }),
        headers: { "content-type": "application/json", "x-csrf-token": token },
      });
      expect(response.status).toBe(401);
      expect(((await response.json()) as { error: string }).error).toBe("api_key_required");
    });

    it("a tampered or garbage session cookie is ignored: pages still answer, a write is refused with 403, never a 5xx", async () => {
      const browser = new Browser(app.url);
      const page = await browser.get(`/products/${product.id}`);
      const token = csrfTokenIn(await page.text());
      const cookie = browser.cookie(SESSION_COOKIE) ?? "";
      // Always a different first character, so the ciphertext really changes.
      const tampered = `${cookie.startsWith("A") ? "B" : "A"}${cookie.slice(1)}`;
      const before = await reviewCount();
      for (const value of [tampered, "not-a-session", "%%%;;"]) {
        browser.setCookie(SESSION_COOKIE, value);
        const reread = await browser.get(`/products/${product.id}`);
        expect(reread.status).toBe(200);
        browser.setCookie(SESSION_COOKIE, value);
        const posted = await browser.postForm(`/products/${product.id}/reviews`, { _csrf: token, rating: "2", text: "with a broken cookie" });
        expect(posted.status).toBe(403);
        expect(posted.headers.get("content-type")).toContain("text/html");
      }
      expect(await reviewCount()).toBe(before);
    });

    it("reads need no token", async () => {
      expect((await call(app.url, "GET", reviewsPath())).status).toBe(200);
    });
  });

  describe("API keys", () => {
    const write = (target: RunningApp, key: string, header: "bearer" | "x-api-key" = "bearer") =>
      call(target.url, "POST", reviewsPath(), {
        ...(header === "bearer" ? { key } : { headers: { "x-api-key": key } }),
        body: { rating: 4, text: `written with ${key.slice(-2)}` },
      });

    it("write with the old and the new key during a rotation, and only the new one after", async () => {
      // Generation 1: API_KEYS=A.
      const before = await suite.start({ API_KEYS: API_KEY_A });
      expect((await write(before, API_KEY_A)).status).toBe(201);
      expect((await write(before, API_KEY_B)).status).toBe(401);

      // Rotation: fleet sets API_KEYS=B,A (newest first); clients move over at their pace.
      const during = await suite.start({ API_KEYS: `${API_KEY_B},${API_KEY_A}` });
      expect((await write(during, API_KEY_A)).status).toBe(201);
      expect((await write(during, API_KEY_B)).status).toBe(201);
      expect((await write(during, API_KEY_B, "x-api-key")).status).toBe(201);

      // The next rotation drops A.
      const after = await suite.start({ API_KEYS: API_KEY_B });
      const old = await write(after, API_KEY_A);
      expect(old.status).toBe(401);
      expect(old.body.error).toBe("invalid_api_key");
      expect((await write(after, API_KEY_B)).status).toBe(201);
    });

    it("a wrong key is refused even where a CSRF token would do", async () => {
      const browser = new Browser(app.url);
      const { token } = (await (await browser.request("GET", "/api/v1/csrf-token")).json()) as { token: string };
      const response = await browser.request("POST", reviewsPath(), {
        body: JSON.stringify({ rating: 5, text: "x" }),
        headers: { "content-type": "application/json", "x-csrf-token": token, authorization: `Bearer ${"e".repeat(64)}` },
      });
      expect(response.status).toBe(401);
    });
  });

  describe("session keys", () => {
    it("a session made under the previous key still posts after a rotation, and not once that key is gone", async () => {
      const old = await suite.start({ SESSION_KEYS: SESSION_KEY_A });
      const browser = new Browser(old.url);
      const token = csrfTokenIn(await (await browser.get(`/products/${product.id}`)).text());
      const cookie = browser.cookie(SESSION_COOKIE) as string;

      const rotated = await suite.start({ SESSION_KEYS: `${SESSION_KEY_B},${SESSION_KEY_A}` });
      const carried = new Browser(rotated.url);
      carried.setCookie(SESSION_COOKIE, cookie);
      const posted = await carried.postForm(`/products/${product.id}/reviews`, { _csrf: token, rating: "5", text: "Posted across a key rotation" });
      expect(posted.status).toBe(303);

      const dropped = await suite.start({ SESSION_KEYS: SESSION_KEY_B });
      const stranded = new Browser(dropped.url);
      stranded.setCookie(SESSION_COOKIE, cookie);
      const refused = await stranded.postForm(`/products/${product.id}/reviews`, { _csrf: token, rating: "5", text: "too late" });
      expect(refused.status).toBe(403);
    });
  });
});
