import { describe, expect, it } from "vitest";
import { REDACTED, redactPatterns, redactText } from "../../components/heroku/redact";

describe("redactText", () => {
  it("masks known secret values, also URL-encoded and JSON-escaped", () => {
    const secret = 'p@ss word/"quoted"';
    const text = `raw ${secret} encoded ${encodeURIComponent(secret)} json ${JSON.stringify(secret)}`;
    const out = redactText(text, [secret]);
    expect(out).not.toContain(secret);
    expect(out).not.toContain(encodeURIComponent(secret));
    expect(out).not.toContain(JSON.stringify(secret).slice(1, -1));
    expect(out.match(/\[redacted\]/g)?.length).toBe(3);
  });

  it("masks the longer of two overlapping secrets whole", () => {
    expect(redactText("token=abcdef-and-more", ["abcdef", "abcdef-and-more"])).toBe(`token=${REDACTED}`);
  });

  it("leaves values too short to be secrets alone", () => {
    expect(redactText("replicas 1 on", ["1", "on"])).toBe("replicas 1 on");
  });

  it("masks credentials inside URLs it was never told about", () => {
    const out = redactPatterns("postgres://u1abc:pw9secret@ec2-1.compute.amazonaws.com:5432/dbx and rediss://:redispw@host:1");
    expect(out).toBe(`postgres://${REDACTED}@ec2-1.compute.amazonaws.com:5432/dbx and rediss://${REDACTED}@host:1`);
  });

  it("masks Authorization values, Heroku tokens and secret-named pairs", () => {
    const out = redactPatterns(
      'Authorization: Bearer 01234567-89ab-cdef; key HRKU-abcdef0123; {"password":"hunter22","api_key": "k-123456"} ?X-Amz-Signature=deadbeef&x=1',
    );
    expect(out).not.toMatch(/01234567-89ab|HRKU-abc|hunter22|k-123456|deadbeef/);
    expect(out).toContain("x=1");
  });

  it("keeps ordinary messages readable", () => {
    const message = "Heroku API POST /apps answered 422 invalid_params: Name is already taken (Request-Id: 3f6c).";
    expect(redactText(message, ["unrelated-secret"])).toBe(message);
  });
});
