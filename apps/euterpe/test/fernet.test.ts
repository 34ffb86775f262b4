import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { Fernet, FernetKeyring, InvalidFernetToken } from "../src/fernet.js";

/** The Fernet spec's test vectors (github.com/fernet/spec: generate.json, verify.json, invalid.json). */
const SPEC_SECRET = "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=";
const SPEC_TOKEN = "gAAAAAAdwJ6wAAECAwQFBgcICQoLDA0ODy021cpGVWKZ_eEwCGM4BLLF_5CV9dOPmrhuVUPgJobwOz7JcbmrR64jVmpU4IwqDA==";
const seconds = (iso: string) => Date.parse(iso) / 1000;

const GENERATE = { now: "1985-10-26T01:20:00-07:00", iv: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15], src: "hello", token: SPEC_TOKEN };
const VERIFY = { now: "1985-10-26T01:20:01-07:00", ttlSeconds: 60, src: "hello", token: SPEC_TOKEN };

const INVALID: ReadonlyArray<{ desc: string; token: string; now: string }> = [
  { desc: "incorrect mac", now: "1985-10-26T01:20:01-07:00", token: "gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAl1-szkFVzXTuGb4hR8AKtwcaX1YdykQUFBQUFBQUFBQQ==" },
  { desc: "too short", now: "1985-10-26T01:20:01-07:00", token: "gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPA==" },
  { desc: "invalid base64", now: "1985-10-26T01:20:01-07:00", token: "%%%%%%%%%%%%%AECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAl1-szkFVzXTuGb4hR8AKtwcaX1YdykRtfsH-p1YsUD2Q==" },
  { desc: "payload size not multiple of block size", now: "1985-10-26T01:20:01-07:00", token: "gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPOm73QeoCk9uGib28Xe5vz6oxq5nmxbx_v7mrfyudzUm" },
  { desc: "payload padding error", now: "1985-10-26T01:20:01-07:00", token: "gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0ODz4LEpdELGQAad7aNEHbf-JkLPIpuiYRLQ3RtXatOYREu2FWke6CnJNYIbkuKNqOhw==" },
  { desc: "far-future TS (unacceptable clock skew)", now: "1985-10-26T01:20:01-07:00", token: "gAAAAAAdwStRAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAnja1xKYyhd-Y6mSkTOyTGJmw2Xc2a6kBd-iX9b_qXQcw==" },
  { desc: "expired TTL", now: "1985-10-26T01:21:31-07:00", token: "gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAl1-szkFVzXTuGb4hR8AKtwcaX1YdykRtfsH-p1YsUD2Q==" },
  { desc: "incorrect IV (causes padding error)", now: "1985-10-26T01:20:01-07:00", token: "gAAAAAAdwJ6xBQECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAkLhFLHpGtDBRLRTZeUfWgHSv49TF2AUEZ1TIvcZjK1zQ==" },
  { desc: "trailing characters after b64 padding", now: "1985-10-26T01:20:01-07:00", token: `${SPEC_TOKEN}trailingdata` },
  { desc: "invalid characters in b64", now: "1985-10-26T01:20:01-07:00", token: "*gAAAAAAdwJ6wAAECAwQFBgcI!CQoLDA0ODy021?cpGVWKZ_eEwC@GM4BLLF_5CV9dOPmrhuVUPgJobwOz7JcbmrR64jVmpU4IwqDA==" },
  { desc: "invalid non-urlsafe characters in b64", now: "1985-10-26T01:20:01-07:00", token: "gAAAAAAdwJ6wAAEC/AwQFBgcICQoLDA0ODy+021cpGVWKZ_eEwCGM4BLLF_5CV9dOPmrhuVUPgJobwOz7JcbmrR64jVmpU4IwqDA==" },
];

describe("Fernet, against the spec's vectors", () => {
  it("generates the spec's token from its secret, time and IV", () => {
    const token = new Fernet(SPEC_SECRET).encrypt(GENERATE.src, { now: seconds(GENERATE.now), iv: Uint8Array.from(GENERATE.iv) });
    expect(token).toBe(GENERATE.token);
  });

  it("verifies the spec's token within its TTL", () => {
    const plaintext = new Fernet(SPEC_SECRET).decrypt(VERIFY.token, { ttlSeconds: VERIFY.ttlSeconds, now: seconds(VERIFY.now) });
    expect(plaintext.toString("utf8")).toBe(VERIFY.src);
  });

  it.each(INVALID)("rejects: $desc", ({ token, now }) => {
    expect(() => new Fernet(SPEC_SECRET).decrypt(token, { ttlSeconds: 60, now: seconds(now) })).toThrow(InvalidFernetToken);
  });

  it("rejects keys that are not 32 bytes of URL-safe base64", () => {
    expect(() => new Fernet("too-short=")).toThrow(/32 bytes/);
    expect(() => new Fernet(SPEC_SECRET.replace("_", "/"))).toThrow(/32 bytes/);
  });
});

/** Made once with Python's cryptography 48.0.0 on this machine: Fernet(PYTHON_KEY).encrypt(...). */
const PYTHON_KEY = "5RH1yVjSn00RuIK4jvPSnzKtgsnJlgzXQu7reAiROKk=";
const PYTHON_TOKEN =
  "gAAAAABrBIWvoltbDmDQy75DLlqKCVsMZQc8NaUOqqRunbdLw3PY30PjSj4mvDR9e3xDlomH6s7qF7QcaVHqjGlwvGAR1tTXVFsm8QrrPZBYR0cj8U828B-afwvox-ZWsNiuOLfiEgMH";

describe("Fernet, against a token made by Python", () => {
  it("decrypts the recorded token", () => {
    expect(new Fernet(PYTHON_KEY).decrypt(PYTHON_TOKEN).toString("utf8")).toBe("BQD-made-by-python-cryptography-48 é");
  });
});

const python = spawnSync("python3", ["-c", "import cryptography"], { encoding: "utf8" });
const hasPythonCryptography = python.status === 0;

function runPython(script: string, input: string): string {
  const result = spawnSync("python3", ["-c", script], { input, encoding: "utf8" });
  if (result.status !== 0) throw new Error(result.stderr);
  return result.stdout.trim();
}

describe.skipIf(!hasPythonCryptography)("Fernet, against Python's cryptography run live", () => {
  const key = Fernet.generateKey();

  it("decrypts a token Python made", () => {
    const token = runPython(
      "import sys; from cryptography.fernet import Fernet; print(Fernet(sys.stdin.read().strip()).encrypt('spotify access token é'.encode()).decode())",
      key,
    );
    expect(new Fernet(key).decrypt(token).toString("utf8")).toBe("spotify access token é");
  });

  it("makes tokens Python decrypts, and Python's MultiFernet reads a rotated list", () => {
    const oldKey = Fernet.generateKey();
    const token = new FernetKeyring([oldKey]).encrypt("refresh token");
    const out = runPython(
      [
        "import sys",
        "from cryptography.fernet import Fernet, MultiFernet",
        "new, old, token = sys.stdin.read().split()",
        "print(MultiFernet([Fernet(new), Fernet(old)]).decrypt(token.encode()).decode())",
      ].join("\n"),
      `${key} ${oldKey} ${token}`,
    );
    expect(out).toBe("refresh token");
  });
});

describe("FernetKeyring", () => {
  const older = Fernet.generateKey();
  const newer = Fernet.generateKey();

  it("encrypts with the newest key and says when a token needs re-encryption", () => {
    const oldToken = new FernetKeyring([older]).encrypt("x");
    const ring = new FernetKeyring([newer, older]);
    expect(ring.open(oldToken)).toMatchObject({ needsReencryption: true });
    const fresh = ring.encrypt("x");
    expect(ring.open(fresh)).toMatchObject({ needsReencryption: false });
    expect(new Fernet(newer).decrypt(fresh).toString()).toBe("x");
    expect(() => new Fernet(older).decrypt(fresh)).toThrow(InvalidFernetToken);
  });

  it("rejects a token no key in the list made", () => {
    const stranger = new FernetKeyring([Fernet.generateKey()]).encrypt("x");
    expect(() => new FernetKeyring([newer, older]).decrypt(stranger)).toThrow(InvalidFernetToken);
  });
});
