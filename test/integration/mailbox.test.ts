import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../helpers/app";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

describe("the local mailbox", () => {
  it("is shown to this machine, and to nobody coming through a proxy, whose requests would look local", async () => {
    expect((await fetch(`${app.baseUrl}/mailbox`)).status).toBe(200);
    for (const headers of [{ "x-forwarded-for": "203.0.113.7" }, { forwarded: "for=203.0.113.7" }] as Record<string, string>[]) {
      expect((await fetch(`${app.baseUrl}/mailbox`, { headers })).status).toBe(404);
      expect((await fetch(`${app.baseUrl}/mailbox/some-email`, { headers })).status).toBe(404);
    }
  });
});
