import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

export interface RunningProcess {
  process: ChildProcess;
  output: string[];
  /** SIGTERM (or the signal given) to the process and everything it started; resolves once it exited. */
  stop: (signal?: NodeJS.Signals) => Promise<void>;
}

/** Runs `npm run <script>`-like entry points in a process group of their own, so a kill reaches every child. */
function spawnGroup(file: string, env: Record<string, string>): RunningProcess {
  const profile = process.env.BENCH_CPU_PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(process.env.BENCH_CPU_PROFILE)}`] : [];
  const child = spawn(process.execPath, [...profile, "--import", "tsx", file], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const output: string[] = [];
  child.stdout!.on("data", (d) => output.push(String(d)));
  child.stderr!.on("data", (d) => output.push(String(d)));
  return {
    process: child,
    output,
    stop: (signal = "SIGTERM") =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        process.kill(-child.pid!, signal);
      }),
  };
}

async function waitHealthy(url: string, running: RunningProcess) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (running.process.exitCode !== null) throw new Error(`server exited:\n${running.output.join("")}`);
    if (
      await fetch(`${url}/healthz`)
        .then((r) => r.ok)
        .catch(() => false)
    )
      return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`not healthy within 60 s:\n${running.output.join("")}`);
}

/** A throw-away database and the settings every process of one test shares. */
export async function testEnvironment(overrides: Record<string, string> = {}) {
  const port = overrides.PORT ? Number(overrides.PORT) : await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), "invoices-e2e-"));
  return {
    NODE_ENV: "production", // as `npm start`: React's production build
    PORT: String(port),
    HOST: "127.0.0.1",
    APP_URL: `http://localhost:${port}`,
    SANDBOX_URL: `http://localhost:${await freePort()}`,
    DATABASE_URL: `file:${path.join(dir, "app.db")}`,
    SESSION_SECRET: randomBytes(32).toString("hex"),
    ENCRYPTION_KEY: randomBytes(32).toString("hex"),
    LOG_LEVEL: "warn",
    RESEND_API_KEY: "",
    ...overrides,
  };
}

/** Starts the app the way `npm start` does (after the build): web, worker and sandbox processes. */
export async function startServer(overrides: Record<string, string> = {}) {
  const env = await testEnvironment(overrides);
  const running = spawnGroup("server/start.ts", env);
  await waitHealthy(env.APP_URL, running);
  return { url: env.APP_URL, env, ...running };
}

/** Migrates the database of `env` (what `npm start` does before starting anything). */
export function migrate(env: Record<string, string>) {
  execFileSync(path.resolve("node_modules/.bin/prisma"), ["migrate", "deploy"], { stdio: "ignore", env: { ...process.env, ...env } });
}

/** One web process (npm run web) on its own port, sharing `env`'s database. */
export async function startWeb(env: Record<string, string>, port: number) {
  const url = `http://127.0.0.1:${port}`;
  const running = spawnGroup("server/web.ts", { ...env, PORT: String(port) });
  await waitHealthy(url, running);
  return { url, ...running };
}

/** One worker process (npm run worker) sharing `env`'s database. */
export function startWorker(env: Record<string, string>) {
  return spawnGroup("server/worker.ts", env);
}

/** The provider sandbox (npm run sandbox) for `env`'s app, on env.SANDBOX_URL; resolves once it answers. */
export async function startSandbox(env: Record<string, string>) {
  const running = spawnGroup("server/sandbox.ts", env);
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (running.process.exitCode !== null) throw new Error(`sandbox exited:\n${running.output.join("")}`);
    if (
      await fetch(env.SANDBOX_URL).then(
        () => true,
        () => false,
      )
    )
      return running;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`sandbox not answering within 60 s:\n${running.output.join("")}`);
}
