/**
 * The credential detector behind "a secret-looking plain value anywhere in the
 * file is refused": it knows the shapes of common credentials, and it does not
 * cry wolf over the ordinary values of the committed stacks.
 */
import { describe, expect, it } from "vitest";
import { readStackFiles } from "../../scripts/lib/stack-files";
import { secretLooking, stringLeaves } from "../../stacks/secret-looking";
import { ROOT } from "./fixtures";

describe("secretLooking", () => {
  it.each([
    ["postgres://app:pa55word@db.example.net:5432/app", "a URL with a password in it"],
    ["syslog+tls://token:abc@logs.example.net:6514", "a URL with a password in it"],
    ["sk-proj-4f9Tq0aBcDeFgHiJkLmNoPqRs", "an API key (sk-…)"],
    ["sk-ant-api03-AbCdEfGhIjKlMnOpQrStUv", "an API key (sk-…)"],
    ["ghp_AbCdEfGhIjKlMnOpQrStUvWxYz0123", "a GitHub token"],
    ["xoxb-123-456-abc", "a Slack token"],
    ["AKIAIOSFODNN7EXAMPLE", "an AWS access key id"],
    ["-----BEGIN RSA PRIVATE KEY-----\nMIIE…", "a private key"],
    ["HRKU-aaaaaaaa-bbbb", "a Heroku API key"],
    ["eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig", "a signed token (JWT)"],
    ["123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw", "a Telegram bot token"],
    ["9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "a long random token"],
    ["QWRvcHRlZC1rZXktdGhhdC1pcy0zMi1ieXRlcy1sb25nIQ==", "a long random token"],
  ])("%s is %s", (value, what) => {
    expect(secretLooking(value)).toBe(what);
  });

  it.each([
    "https://fleet-apps.cloudflareaccess.com",
    "ops@fleet-apps.dev",
    "api-staging.fleet-apps.dev",
    "fleet-threads-web-stg",
    "bookshelf-hermes-db",
    "user-read-recently-played user-top-read user-read-private",
    "https://api.openai.com/v1",
    "essential-2",
    "1",
    "",
  ])("%s is an ordinary value", (value) => {
    expect(secretLooking(value)).toBeUndefined();
  });

  it("finds nothing in the committed stacks", () => {
    for (const stack of ["staging", "production"]) {
      const files = readStackFiles(ROOT, stack);
      for (const [key, text] of Object.entries(files.config)) {
        let value: unknown = text;
        try {
          value = JSON.parse(text);
        } catch {
          // a plain string
        }
        for (const leaf of stringLeaves(value)) expect(secretLooking(leaf.value), `${key} ${leaf.path}`).toBeUndefined();
      }
    }
  });

  it("walks nested settings with their paths", () => {
    expect(stringLeaves({ a: { b: ["x", { c: "y" }] }, n: 1 })).toEqual([
      { path: "a.b[0]", value: "x" },
      { path: "a.b[1].c", value: "y" },
    ]);
  });
});
