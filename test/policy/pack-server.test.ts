/**
 * The pack as the Pulumi CLI runs it: the CLI reads policy/PulumiPolicy.yaml
 * and, for the nodejs runtime, starts its `pulumi-analyzer-policy` shim in
 * the pack's folder, which finds the SDK's policy runner
 * (`@pulumi/pulumi/cmd/run-policy-pack`) with `node -e` and require.resolve
 * and runs it there: dependencies from the project root. The runner serves
 * the analyzer over gRPC. Through that server: the pack lists fleet's seven
 * policies, all mandatory, and AnalyzeStack over what the program registers
 * for a production configuration the rules refuse returns the violations —
 * secrets wrapped as the engine sends them, so the server's own unwrapping
 * is exercised.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { z } from "zod";
import { PROJECT_ROOT, runProgram } from "../harness/program";
import { outputs } from "../harness/service-outputs";
import { completeConfig, editJson } from "../stacks/fixtures";
import { FLEET_POLICIES } from "../../policy/policies";

const nodeRequire = createRequire(import.meta.url);
const protoRequire = createRequire(nodeRequire.resolve("@pulumi/pulumi/proto/analyzer_pb"));
const grpc = protoRequire("@grpc/grpc-js") as typeof import("@grpc/grpc-js");
const analyzerPb = protoRequire("./analyzer_pb") as typeof import("@pulumi/pulumi/proto/analyzer_pb");
const analyzerRpc = protoRequire("./analyzer_grpc_pb") as typeof import("@pulumi/pulumi/proto/analyzer_grpc_pb");
const structPb = protoRequire("google-protobuf/google/protobuf/struct_pb") as typeof import("google-protobuf/google/protobuf/struct_pb");
const emptyPb = protoRequire("google-protobuf/google/protobuf/empty_pb") as typeof import("google-protobuf/google/protobuf/empty_pb");

const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_VALUE = "1b47061264138c4ac30d75fd1eb44270";

let pack: ChildProcess;
let client: InstanceType<typeof analyzerRpc.AnalyzerClient>;

const POLICY_DIR = path.join(PROJECT_ROOT, "policy");
const BARE_ENV = { PATH: process.env["PATH"] ?? "", HOME: process.env["HOME"] ?? "" };

/** What the CLI's `pulumi-analyzer-policy` shim runs in the pack's folder to find the runner: `node -e` and require.resolve. */
function resolveFromPack(specifier: string): string {
  const found = spawnSync(process.execPath, ["-e", `console.log(require.resolve(${JSON.stringify(specifier)}))`], { cwd: POLICY_DIR, env: BARE_ENV, encoding: "utf8" });
  if (found.status !== 0) throw new Error(`${specifier} does not resolve from policy/ (run npm ci in the project root):\n${found.stderr}`);
  return found.stdout.trim();
}

beforeAll(async () => {
  const runner = resolveFromPack("@pulumi/pulumi/cmd/run-policy-pack");
  pack = spawn(process.execPath, [runner, "127.0.0.1:1", "."], {
    cwd: POLICY_DIR,
    env: BARE_ENV,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  pack.stderr?.on("data", (c: Buffer) => (stderr += c.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the pack printed no port within 60 s\n${stderr}`)), 60_000);
    pack.stdout?.on("data", (c: Buffer) => {
      stdout += c.toString();
      const line = stdout.split("\n")[0]!.trim();
      if (stdout.includes("\n") && /^\d+$/.test(line)) {
        clearTimeout(timer);
        resolve(Number(line));
      }
    });
    pack.on("exit", (code) => reject(new Error(`the pack exited (${code}) before serving\n${stderr}`)));
  });
  client = new analyzerRpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
}, 90_000);

afterAll(() => {
  client?.close();
  pack?.kill("SIGTERM");
});

function call<Req, Res>(method: (req: Req, meta: InstanceType<typeof grpc.Metadata>, opts: { deadline: Date }, cb: (e: Error | null, r: Res) => void) => unknown, req: Req): Promise<Res> {
  return new Promise((resolve, reject) => method.call(client, req, new grpc.Metadata(), { deadline: new Date(Date.now() + 30_000) }, (e, r) => (e ? reject(e) : resolve(r))));
}

/** Values the way the engine sends them: secrets in the secret envelope. */
function engineValue(value: unknown, secret: boolean): unknown {
  return secret ? { [SECRET_SIG]: SECRET_VALUE, value } : value;
}

describe("the pack's folder, as `pulumi preview --policy-pack policy` reads it", () => {
  const projectPackage = z.object({ dependencies: z.record(z.string(), z.string()) }).parse(JSON.parse(readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")));

  it("has a PulumiPolicy.yaml with the nodejs runtime and no runtime options, and a package.json whose main exists", () => {
    const manifest = z.object({ runtime: z.union([z.string(), z.object({ name: z.string(), options: z.record(z.string(), z.unknown()).optional() })]), description: z.string().optional() }).loose();
    const policyYaml = manifest.parse(parse(readFileSync(path.join(POLICY_DIR, "PulumiPolicy.yaml"), "utf8")));
    expect(policyYaml.runtime === "nodejs" || (typeof policyYaml.runtime === "object" && policyYaml.runtime.name === "nodejs" && !policyYaml.runtime.options)).toBe(true);
    const pkg = z.object({ name: z.string(), version: z.string(), main: z.string() }).loose().parse(JSON.parse(readFileSync(path.join(POLICY_DIR, "package.json"), "utf8")));
    expect(pkg.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(existsSync(path.join(POLICY_DIR, pkg.main)), `policy/${pkg.main}`).toBe(true);
  });

  it("resolves the runner and every module the pack loads from the project's own install", () => {
    const rootModules = path.join(PROJECT_ROOT, "node_modules") + path.sep;
    for (const specifier of ["@pulumi/pulumi/cmd/run-policy-pack", "@pulumi/policy", "tsx/cjs/api", "zod"]) expect(resolveFromPack(specifier), specifier).toContain(rootModules);
    const installed = (name: string): string => z.object({ version: z.string() }).loose().parse(JSON.parse(readFileSync(path.join(rootModules, name, "package.json"), "utf8"))).version;
    // (@pulumi/policy writes its version with a leading v.)
    for (const name of ["@pulumi/pulumi", "@pulumi/policy", "tsx"]) expect(installed(name).replace(/^v/, ""), name).toBe(projectPackage.dependencies[name]);
  });
});

describe("the policy pack served over gRPC", () => {
  it("lists fleet's policies, all mandatory", async () => {
    const info = await call(client.getAnalyzerInfo, new emptyPb.Empty());
    expect(info.getName()).toBe("fleet");
    expect(info.getVersion()).toBe("0.1.0");
    const policies = info.getPoliciesList().map((p) => [p.getName(), p.getEnforcementlevel()]);
    expect(policies).toEqual(FLEET_POLICIES.map((p) => [p.name, analyzerPb.EnforcementLevel.MANDATORY]));
  });

  it("AnalyzeStack over the program's production resources reports what the rules refuse", async () => {
    const config = completeConfig("production");
    editJson<Record<string, { formation?: unknown }>>(config, "fleet:apps", (apps) => {
      apps["zoomer-bot"] = { ...apps["zoomer-bot"], formation: { worker: { size: "eco", quantity: 1 } } };
    });
    const result = await runProgram({ stack: "production", config: config.values, secretKeys: config.secretKeys, outputs });
    expect(result.error).toBeUndefined();
    const request = new analyzerPb.AnalyzeStackRequest();
    request.setResourcesList(
      result.resources.map((r) => {
        const resource = new analyzerPb.AnalyzerResource();
        resource.setType(r.type);
        resource.setUrn(r.urn);
        resource.setName(r.name);
        resource.setParent(r.parent);
        const props = Object.fromEntries(Object.entries(r.inputs).map(([k, v]) => [k, engineValue(v, r.secretInputs.includes(k))]));
        resource.setProperties(structPb.Struct.fromJavaScript(props as Record<string, never>));
        const options = new analyzerPb.AnalyzerResourceOptions();
        options.setProtect(r.protect);
        options.setParent(r.parent);
        resource.setOptions(options);
        return resource;
      }),
    );
    const response = await call(client.analyzeStack, request);
    const diagnostics = response.getDiagnosticsList().map((d) => ({ policy: d.getPolicyname(), message: d.getMessage() }));
    expect(diagnostics).toEqual([
      { policy: "no-eco-or-basic-dynos-in-production", message: expect.stringContaining("zoomer-bot runs its worker process on eco dynos in production stack 'production'") },
    ]);
  }, 120_000);
});
