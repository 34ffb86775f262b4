/**
 * The SDK's own dynamic-provider host (`@pulumi/pulumi/cmd/dynamic-provider`)
 * in a child process, as the engine starts it: cwd = project root, the
 * engine address as its only argument, its gRPC port read from the first
 * stdout line. Everything it prints is kept (tests check it leaks nothing).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { PROJECT_ROOT } from "./load-provider";

const nodeRequire = createRequire(__filename);

export interface HostOptions {
  /** Extra environment (the CLI's environment reaches the host; nothing else does). */
  readonly env?: Readonly<Record<string, string>>;
  /** Project name `config.get("key")` resolves against inside `configure`. @default "fleet" */
  readonly project?: string;
  /** @default the project root */
  readonly cwd?: string;
  /** @default 20000 */
  readonly startTimeoutMs?: number;
}

/** Variables passed through from the test process: enough to run node, nothing project-specific. */
const PASSTHROUGH = ["PATH", "HOME", "TMPDIR", "LANG", "SYSTEMROOT"];

export class DynamicProviderHost {
  private stdoutText = "";
  private stderrText = "";
  private exitCode: number | null | undefined;

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {}

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Everything the host printed on stdout (the port line included). */
  get stdout(): string {
    return this.stdoutText;
  }

  get stderr(): string {
    return this.stderrText;
  }

  get running(): boolean {
    return this.exitCode === undefined;
  }

  static async start(options: HostOptions = {}): Promise<DynamicProviderHost> {
    const entry = nodeRequire.resolve("@pulumi/pulumi/cmd/dynamic-provider");
    const env: Record<string, string> = {};
    for (const key of PASSTHROUGH) {
      const value = process.env[key];
      if (value !== undefined) env[key] = value;
    }
    env["PULUMI_NODEJS_PROJECT"] = options.project ?? "fleet";
    Object.assign(env, options.env ?? {});
    const child = spawn(process.execPath, [entry, "127.0.0.1:1"], { cwd: options.cwd ?? PROJECT_ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        reject(new Error(`the dynamic-provider host did not print its port within ${options.startTimeoutMs ?? 60_000} ms\n${stderr}`));
      }, options.startTimeoutMs ?? 60_000);
      child.stdout?.on("data", (chunk: Buffer) => {
        stdout += chunk.toString("utf8");
        const line = stdout.split("\n")[0] ?? "";
        if (stdout.includes("\n") && /^\d+$/.test(line.trim())) {
          clearTimeout(timer);
          resolve(Number(line.trim()));
        }
      });
      child.stderr?.on("data", (chunk: Buffer) => {
        stderr += chunk.toString("utf8");
      });
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`the dynamic-provider host exited (${String(code)}) before printing its port\n${stderr}`));
      });
      child.once("error", (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
    const host = new DynamicProviderHost(child, port);
    host.stdoutText = stdout;
    host.stderrText = stderr;
    child.stdout?.removeAllListeners("data");
    child.stderr?.removeAllListeners("data");
    child.stdout?.on("data", (chunk: Buffer) => {
      host.stdoutText += chunk.toString("utf8");
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      host.stderrText += chunk.toString("utf8");
    });
    child.removeAllListeners("exit");
    child.on("exit", (code) => {
      host.exitCode = code;
    });
    return host;
  }

  /** SIGTERM, as the engine does; SIGKILL if it lingers. */
  async stop(): Promise<void> {
    if (!this.running) return;
    const exited = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 3_000);
    await exited;
    clearTimeout(timer);
  }
}
