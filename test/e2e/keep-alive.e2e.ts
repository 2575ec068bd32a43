import { afterAll, describe, expect, it } from "vitest";
import { freePort, migrate, type RunningProcess, startWeb, testEnvironment } from "./server";

let web: RunningProcess | undefined;
afterAll(() => web?.stop());

describe("idle connections", () => {
  it("are kept longer than clients keep them: a request on a connection idle for 6 s is answered (Node's fetch reuses it)", async () => {
    const env = await testEnvironment();
    migrate(env);
    const started = await startWeb(env, await freePort());
    web = started;
    const first = await fetch(`${started.url}/healthz`);
    expect(first.headers.get("keep-alive")).toBe("timeout=65");
    await first.arrayBuffer();
    await new Promise((resolve) => setTimeout(resolve, 6000)); // past Node's default 5 s server keep-alive
    const again = await fetch(`${started.url}/login`);
    expect(again.status).toBe(200);
  }, 30_000);
});
