import { describe, expect, it } from "vitest";
import { connectionConfig } from "../src/db.js";
import { redactUrl } from "../src/logger.js";

describe("connectionConfig", () => {
  it("uses TLS without chain verification for Heroku's hosts, whatever sslmode the URL asks for", () => {
    const config = connectionConfig({
      DATABASE_URL: "postgres://u:p@ec2-52-1-2-3.compute-1.amazonaws.com:5432/d8v?sslmode=require&application_name=x",
      DATABASE_SCHEMA: "euterpe",
    });
    expect(config.ssl).toEqual({ rejectUnauthorized: false });
    expect(config.connectionString).toBe("postgres://u:p@ec2-52-1-2-3.compute-1.amazonaws.com:5432/d8v?application_name=x");
    expect(config.options).toBe("-c search_path=euterpe");
  });

  it("talks plain TCP to this machine", () => {
    for (const host of ["localhost", "127.0.0.1", "[::1]"]) {
      expect(connectionConfig({ DATABASE_URL: `postgresql://postgres@${host}:5432/db`, DATABASE_SCHEMA: "euterpe" }).ssl).toBe(false);
    }
  });
});

describe("redactUrl", () => {
  it("masks OAuth secrets in a query string and leaves the rest", () => {
    expect(redactUrl("/callback?code=abc&state=def&x=1")).toBe("/callback?code=REDACTED&state=REDACTED&x=1");
    expect(redactUrl("/health")).toBe("/health");
  });
});
