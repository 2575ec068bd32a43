import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, textOf, type TestApp } from "../helpers/app";
import { createCustomer, emailLink, signUpMerchant } from "../helpers/merchant";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

describe("forms are protected against cross-site requests", () => {
  it("refuses a form without this browser's CSRF token", async () => {
    const { browser } = await signUpMerchant(app);
    const page = await browser.post("/customers/new", { name: "Sans jeton", locale: "fr" }, { csrf: false });
    expect(page.status).toBe(403);
    expect(textOf(page.html)).toContain("Le formulaire a expiré.");
    expect(await app.db.customer.count({ where: { name: "Sans jeton" } })).toBe(0);
  });

  it("refuses another browser's token", async () => {
    const { browser } = await signUpMerchant(app);
    const otherToken = await app.browser().csrfToken();
    const page = await browser.post("/customers/new", { name: "Jeton volé", locale: "fr", csrf: otherToken }, { csrf: false });
    expect(page.status).toBe(403);
  });

  it("refuses posts coming from another site before any action runs", async () => {
    const { browser } = await signUpMerchant(app);
    let page = await browser.post("/customers/new", { name: "Cross", locale: "fr" }, { headers: { origin: "https://evil.example.com" } });
    expect(page.status).toBe(403);
    page = await browser.post("/customers/new", { name: "Cross", locale: "fr" }, { headers: { "sec-fetch-site": "cross-site" } });
    expect(page.status).toBe(403);
    expect(await app.db.customer.count({ where: { name: "Cross" } })).toBe(0);
  });

  it("refuses an oversized body and a body that is not a form", async () => {
    const { browser } = await signUpMerchant(app);
    const big = await browser.post("/customers/new", { name: "x".repeat(1_100_000), locale: "fr" });
    expect(big.status).toBe(413);
    const json = await fetch(`${app.baseUrl}/login`, {
      method: "POST",
      body: '{"email":1',
      headers: { "content-type": "application/json", origin: app.baseUrl },
    });
    expect(json.status).toBe(415);
  });
});

describe("operability", () => {
  it("answers the health check while the database is usable", async () => {
    const res = await fetch(`${app.baseUrl}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
  });

  it("tags each response and its log line with a request id, and logs no secret", async () => {
    const password = "very secret password 42";
    const { browser, email } = await signUpMerchant(app, { password });
    await createCustomer(browser, { name: "Client IBAN" });
    await browser.post("/settings/organisation", {
      legalName: "Org",
      country: "FR",
      defaultCurrency: "EUR",
      locale: "fr",
      paymentTermsDays: "30",
      iban: "FR7630006000011234567890189",
      invoiceNumberFormat: "F{SEQ:4}",
    });
    await app.browser().post("/forgot-password", { email });
    const link = await emailLink(app, email, "password_reset", /\/reset-password\/[\w-]+/);
    await app.browser().get(link);

    const res = await fetch(`${app.baseUrl}/login`, { headers: { "x-request-id": "trace-abc-123" } });
    expect(res.headers.get("x-request-id")).toBe("trace-abc-123");
    const logs = app.logs.join("");
    expect(logs).toContain('"requestId":"trace-abc-123"');
    const token = link.split("/").pop()!;
    for (const secret of [password, token, "FR7630006000011234567890189", app.config.SESSION_SECRET]) expect(logs).not.toContain(secret);
    expect(logs).toContain('"path":"/reset-password/[redacted]"');
  });
});

describe("health check without a usable database", () => {
  it("answers 503", async () => {
    // A second server on the same build, pointed at a database file that cannot exist.
    const { createServer } = await import("../../server/app");
    const { createServer: createHttpServer } = await import("node:http");
    const { createDb } = await import("~/lib/db.server");
    const { createLogger } = await import("~/lib/logger.server");
    const db = createDb("file:/nonexistent-dir/for/sure/app.db");
    const server = createHttpServer(
      createServer({ build: {} as never, db, providers: {} as never, config: app.config, logger: createLogger("silent") }),
    ).listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    const { port } = server.address() as { port: number };
    const res = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: "unavailable" });
    server.close();
    await db.$disconnect();
  });
});
