import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  fernetKeyFromBase64,
  GeneratedSecrets,
  secretVariableNames,
  variablePlan,
  type GeneratedSecretsArgs,
} from "../../components/secrets/generated-secrets";
import { resolve, startMocks, type Recorded } from "./mock-runtime";

const RANDOM_BYTES = "random:index/randomBytes:RandomBytes";

/**
 * What the random provider would keep in state: the bytes of a RandomBytes are
 * fixed by its logical name (a resource that survives a run keeps its value).
 * RandomBytes outputs are not secret under mocks, so the component must wrap them.
 */
function bytesOf(name: string, length: number): Buffer {
  const out: Buffer[] = [];
  for (let i = 0; Buffer.concat(out).length < length; i++) out.push(createHash("sha256").update(`${name}#${i}`).digest());
  return Buffer.concat(out).subarray(0, length);
}

async function run(args: GeneratedSecretsArgs, override?: Buffer) {
  const rec = await startMocks({
    outputs: (type, name, inputs) => {
      if (type !== RANDOM_BYTES) return {};
      const bytes = override ?? bytesOf(name, Number(inputs["length"]));
      return { hex: bytes.toString("hex"), base64: bytes.toString("base64") };
    },
  });
  const secrets = new GeneratedSecrets("threads-api-secrets", args);
  const values = await resolve(secrets.values);
  await rec.settle();
  const randoms = rec.ofType(RANDOM_BYTES);
  return { rec, secrets, values, randoms, byName: new Map(randoms.map((r) => [r.name, r] as const)) };
}

const generation1: GeneratedSecretsArgs = {
  secrets: {
    JWT_SIGNING_KEY: { kind: "base64", bytes: 64, keepPrevious: "previous-var", generation: 1 },
    TOKEN_KEYS: { kind: "fernet", keepPrevious: "key-list", generation: 1 },
    SESSION_SECRET: { kind: "hex", generation: 1 },
  },
};

function bump(args: GeneratedSecretsArgs, variable: string): GeneratedSecretsArgs {
  const spec = args.secrets[variable]!;
  return { ...args, secrets: { ...args.secrets, [variable]: { ...spec, generation: spec.generation + 1 } } };
}

function same(a: Recorded, b: Recorded): void {
  expect(b.inputs, a.name).toEqual(a.inputs);
  expect(b.urn, a.name).toBe(a.urn);
}

describe("GeneratedSecrets", () => {
  it("generation 1: one RandomBytes per variable, named with its generation, keepers carry it", async () => {
    const { randoms, values, secrets } = await run(generation1);
    expect(randoms.map((r) => r.name).sort()).toEqual([
      "threads-api-secrets-jwt-signing-key-g1",
      "threads-api-secrets-session-secret-g1",
      "threads-api-secrets-token-keys-g1",
    ]);
    expect(randoms.find((r) => r.name.endsWith("jwt-signing-key-g1"))!.inputs).toEqual({ length: 64, keepers: { generation: "1" } });
    expect(randoms.find((r) => r.name.endsWith("token-keys-g1"))!.inputs).toEqual({ length: 32, keepers: { generation: "1" } });
    expect(Object.keys(values.value!).sort()).toEqual(["JWT_SIGNING_KEY", "SESSION_SECRET", "TOKEN_KEYS"]);
    expect(secrets.names).toEqual(["JWT_SIGNING_KEY", "SESSION_SECRET", "TOKEN_KEYS"]);
    expect(values.value!["SESSION_SECRET"]).toMatch(/^[0-9a-f]{64}$/);
    expect(Buffer.from(values.value!["JWT_SIGNING_KEY"]!, "base64")).toHaveLength(64);
  });

  it("every value is a secret, though RandomBytes outputs are not under mocks", async () => {
    const { values } = await run(generation1);
    expect(values.secret).toBe(true);
  });

  it("bumping a previous-var key: exactly one new RandomBytes, the old one kept, its value in _PREVIOUS", async () => {
    const before = await run(generation1);
    const after = await run(bump(generation1, "JWT_SIGNING_KEY"));

    const added = [...after.byName.keys()].filter((n) => !before.byName.has(n));
    const removed = [...before.byName.keys()].filter((n) => !after.byName.has(n));
    expect(added).toEqual(["threads-api-secrets-jwt-signing-key-g2"]);
    expect(removed).toEqual([]);
    // Unchanged inputs and URN: the engine keeps these resources (and their values) as they are.
    for (const [name, old] of before.byName) same(old, after.byName.get(name)!);

    const v1 = before.values.value!;
    const v2 = after.values.value!;
    expect(v2["JWT_SIGNING_KEY_PREVIOUS"]).toBe(v1["JWT_SIGNING_KEY"]);
    expect(v2["JWT_SIGNING_KEY"]).not.toBe(v1["JWT_SIGNING_KEY"]);
    expect(v2["SESSION_SECRET"]).toBe(v1["SESSION_SECRET"]);
    expect(v2["TOKEN_KEYS"]).toBe(v1["TOKEN_KEYS"]);
    expect(after.secrets.names).toContain("JWT_SIGNING_KEY_PREVIOUS");
  });

  it("bumping a key-list key: the variable holds current,previous", async () => {
    const before = await run(generation1);
    const after = await run(bump(generation1, "TOKEN_KEYS"));
    const [current, previous, ...rest] = after.values.value!["TOKEN_KEYS"]!.split(",");
    expect(rest).toEqual([]);
    expect(previous).toBe(before.values.value!["TOKEN_KEYS"]);
    expect(current).not.toBe(previous);
    expect(after.values.value).not.toHaveProperty("TOKEN_KEYS_PREVIOUS");
  });

  it("a second bump drops the oldest generation and keeps the last one", async () => {
    const two = await run(bump(generation1, "JWT_SIGNING_KEY"));
    const three = await run(bump(bump(generation1, "JWT_SIGNING_KEY"), "JWT_SIGNING_KEY"));
    const jwt = (r: typeof two) => [...r.byName.keys()].filter((n) => n.includes("jwt")).sort();
    expect(jwt(three)).toEqual(["threads-api-secrets-jwt-signing-key-g2", "threads-api-secrets-jwt-signing-key-g3"]);
    expect(three.values.value!["JWT_SIGNING_KEY_PREVIOUS"]).toBe(two.values.value!["JWT_SIGNING_KEY"]);
  });

  it("keepPrevious none: a bump replaces the value outright", async () => {
    const after = await run(bump(generation1, "SESSION_SECRET"));
    expect([...after.byName.keys()].filter((n) => n.includes("session"))).toEqual(["threads-api-secrets-session-secret-g2"]);
    expect(after.values.value).not.toHaveProperty("SESSION_SECRET_PREVIOUS");
  });

  it("fernet: URL-safe base64 of 32 bytes, padding kept, 44 characters", async () => {
    const bytes = Buffer.alloc(32, 0xfb); // standard base64 "+/v7…": both characters Fernet must not contain
    expect(bytes.toString("base64")).toMatch(/[+/]/);
    const { values } = await run({ secrets: { TOKEN_KEY: { kind: "fernet", generation: 1 } } }, bytes);
    const key = values.value!["TOKEN_KEY"]!;
    expect(key).toHaveLength(44);
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}=$/);
    expect(Buffer.from(key, "base64url").equals(bytes)).toBe(true);
    expect(fernetKeyFromBase64("ab+/cd==")).toBe("ab-_cd==");
  });

  it("protect: only the current generation of kept keys, so rotations never delete a protected resource", async () => {
    const { randoms } = await run({ ...bump(bump(generation1, "JWT_SIGNING_KEY"), "SESSION_SECRET"), protect: true });
    expect(Object.fromEntries(randoms.map((r) => [r.name, r.protect]))).toEqual({
      "threads-api-secrets-jwt-signing-key-g2": true,
      "threads-api-secrets-jwt-signing-key-g1": false,
      "threads-api-secrets-token-keys-g1": true,
      "threads-api-secrets-session-secret-g2": false,
    });
  });

  it("rejects bad specs with every problem and its fix", async () => {
    await startMocks();
    expect(
      () =>
        new GeneratedSecrets("x", {
          secrets: {
            lower: { kind: "hex", generation: 1 },
            KEY: { kind: "fernet", bytes: 16, generation: 0 },
            SIGN: { kind: "hex", keepPrevious: "previous-var", generation: 1 },
            SIGN_PREVIOUS: { kind: "hex", generation: 1 },
          },
        }),
    ).toThrow(/'lower' is not a config-var name[\s\S]*KEY: generation 0[\s\S]*KEY: Fernet keys are 32 bytes[\s\S]*SIGN_PREVIOUS is generated/);
  });
});

describe("variablePlan", () => {
  it("lists live generations and the variables they yield", () => {
    expect(variablePlan("K", { kind: "hex", keepPrevious: "previous-var", generation: 1 })).toMatchObject({
      live: [{ generation: 1, role: "current" }],
      outputs: { K: "current" },
    });
    expect(variablePlan("K", { kind: "hex", keepPrevious: "previous-var", generation: 4 })).toMatchObject({
      live: [
        { generation: 4, role: "current" },
        { generation: 3, role: "previous" },
      ],
      outputs: { K: "current", K_PREVIOUS: "previous" },
    });
    expect(variablePlan("K", { kind: "fernet", keepPrevious: "key-list", generation: 2 })).toMatchObject({ bytes: 32, outputs: { K: "current,previous" } });
    expect(secretVariableNames({ B: { kind: "hex", generation: 1 }, A: { kind: "hex", keepPrevious: "previous-var", generation: 2 } })).toEqual([
      "A",
      "A_PREVIOUS",
      "B",
    ]);
  });
});
