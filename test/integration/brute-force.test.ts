import { createServer as createHttpServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { ServerBuild } from "react-router";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createThrottles } from "~/domain/throttling";
import { createDb, type Db } from "~/lib/db.server";
import { createLogger } from "~/lib/logger.server";
import { createServer } from "../../server/app";
import { startTestApp, TestBrowser, textOf, type TestApp } from "../helpers/app";
import { emailLink, sentInvoice, signUpMerchant } from "../helpers/merchant";
import { useProviderMocks } from "../mocks/providers";

useProviderMocks();

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

const TOO_MANY = /Trop de tentatives\. Réessayez dans \d+ min\./;
const wrong = (i: number) => `wrong password ${i}`;

describe("login brute force", () => {
  it("does not let an attacker lock the owner out of their account", async () => {
    const { email } = await signUpMerchant(app, { password: "correct horse battery" });
    // Someone else, elsewhere, tries passwords on the victim's email (the old rule locked the email after 5).
    const attacker = app.browser();
    for (let i = 0; i < 8; i++) await attacker.post("/login", { email, password: wrong(i) });
    // The attacker is stopped…
    const refused = await attacker.post("/login", { email, password: "correct horse battery" });
    expect(refused.status).toBe(429);
    expect(textOf(refused.html)).toMatch(TOO_MANY);
    // …but the owner, from their own client, still gets in.
    const owner = app.browser();
    expect((await owner.post("/login", { email, password: "correct horse battery" })).location).toBe("/invoices");
  });

  it("stops one client trying many accounts in a burst (password spraying)", async () => {
    const attacker = app.browser();
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) {
      const page = await attacker.post("/login", { email: `spray${i}@example.fr`, password: "Summer2026!!" });
      statuses.push(page.status);
    }
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(statuses.at(-1)).toBe(429);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(10);
    // Another client is not affected.
    const page = await app.browser().post("/login", { email: "spray0@example.fr", password: "Summer2026!!" });
    expect(page.status).toBe(200);
    expect(textOf(page.html)).toContain("E-mail ou mot de passe incorrect.");
  });

  it("refuses a client after 5 failures on one account, even with the right password, and in English too", async () => {
    const { email } = await signUpMerchant(app, { password: "correct horse battery" });
    const browser = app.browser();
    for (let i = 0; i < 5; i++)
      expect(textOf((await browser.post("/login", { email, password: wrong(i) })).html)).toContain("E-mail ou mot de passe incorrect.");
    const page = await browser.post("/login", { email, password: "correct horse battery" });
    expect(page.status).toBe(429);
    expect(Number(page.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(textOf(page.html)).toMatch(/Trop de tentatives\. Réessayez dans 15 min\./);
    const english = await browser.post("/login", { email, password: "correct horse battery" }, { headers: { "accept-language": "en" } });
    expect(textOf(english.html)).toMatch(/Too many attempts\. Try again in \d+ min\./);
  });

  it("forgets a client's failures once it logs in", async () => {
    const { email } = await signUpMerchant(app, { password: "correct horse battery" });
    const browser = app.browser();
    for (let i = 0; i < 4; i++) await browser.post("/login", { email, password: wrong(i) });
    expect((await browser.post("/login", { email, password: "correct horse battery" })).location).toBe("/invoices");
    const again = new TestBrowser(app.baseUrl, browser.ip);
    for (let i = 0; i < 4; i++) expect((await again.post("/login", { email, password: wrong(i) })).status).toBe(200);
    expect((await again.post("/login", { email, password: "correct horse battery" })).location).toBe("/invoices");
  });

  it("slows down attempts on one account from many clients, without refusing the owner's known browser", async () => {
    const { email } = await signUpMerchant(app, { password: "correct horse battery" });
    const owner = app.browser();
    expect((await owner.post("/login", { email, password: "correct horse battery" })).location).toBe("/invoices");
    await owner.post("/logout", {});
    // A botnet: each address tries a few passwords, never enough for the per-client rule.
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) statuses.push((await app.browser().post("/login", { email, password: wrong(i) })).status);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(20);
    // The owner's browser, where they logged in before, still gets in at once.
    expect((await owner.post("/login", { email, password: "correct horse battery" })).location).toBe("/invoices");
  });

  it("shares its counts between web processes using the same database", async () => {
    const other = await otherWebProcess();
    try {
      const { email } = await signUpMerchant(app);
      const ip = "203.0.113.77";
      const first = new TestBrowser(app.baseUrl, ip);
      const second = new TestBrowser(other.baseUrl, ip);
      for (let i = 0; i < 5; i++) await (i % 2 ? second : first).post("/login", { email, password: wrong(i) });
      expect((await second.post("/login", { email, password: "correct horse battery" })).status).toBe(429);
      expect((await first.post("/login", { email, password: "correct horse battery" })).status).toBe(429);
    } finally {
      await other.close();
    }
  });
});

/** A second web process: its own server and database connections, the same database file. */
async function otherWebProcess() {
  const otherDb: Db = createDb(app.config.DATABASE_URL);
  const build = (await import(path.resolve(import.meta.dirname, "../../build/server/index.js"))) as ServerBuild;
  const other: Server = createHttpServer(
    createServer({
      build,
      db: otherDb,
      providers: app.providers,
      config: app.config,
      logger: createLogger("silent"),
      clientDir: path.resolve("build/client"),
    }),
  );
  await new Promise<void>((resolve) => other.listen(0, "127.0.0.1", resolve));
  return {
    baseUrl: `http://127.0.0.1:${(other.address() as AddressInfo).port}`,
    close: async () => {
      other.closeAllConnections();
      await new Promise((resolve) => other.close(resolve));
      await otherDb.$disconnect();
    },
  };
}

describe("other forms that reach accounts or cost something", () => {
  it("limits password reset requests per client and per address", async () => {
    const { email } = await signUpMerchant(app);
    const client = app.browser();
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await client.post("/forgot-password", { email: `reset${i}@example.fr` })).status);
    expect(statuses.at(-1)).toBe(429);
    // Mail-bombing one address from many clients.
    const perAddress: number[] = [];
    for (let i = 0; i < 6; i++) perAddress.push((await app.browser().post("/forgot-password", { email })).status);
    expect(perAddress.at(-1)).toBe(429);
    expect(await app.db.outboxEmail.count({ where: { toAddress: email, kind: "password_reset" } })).toBeLessThanOrEqual(3);
  });

  it("limits sign-ups per client", async () => {
    const ip = "203.0.113.12";
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      // A bot does not keep the session of the accounts it made (a signed-in browser is sent on to its invoices).
      const page = await new TestBrowser(app.baseUrl, ip).post("/signup", {
        name: "Bot",
        email: `bot${i}-${Date.now()}@example.fr`,
        password: "correct horse battery",
        organisationName: "Bot",
      });
      statuses.push(page.status);
    }
    expect(statuses.at(-1)).toBe(429);
  });

  it("limits the public pay form per client", async () => {
    const { link } = await sentInvoice(app, { providers: ["stripe"] });
    const visitor = app.browser();
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) statuses.push((await visitor.post(link, { provider: "stripe", amount: "" })).status);
    expect(statuses.at(-1)).toBe(429);
  });
});

describe("guessing secret links", () => {
  const guess = () => `${"A".repeat(20)}${Math.random().toString(36).slice(2)}`;

  it("refuses a client that keeps trying unknown reset, sign-up, invitation and consultation links", async () => {
    const prober = app.browser();
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) {
      const pathname = [`/reset-password/${guess()}`, `/signup/${guess()}`, `/invitation/${guess()}`, `/i/${guess()}`][i % 4];
      statuses.push((await prober.get(pathname)).status);
    }
    expect(statuses.slice(0, 5).every((s) => s === 200 || s === 404)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    const page = await prober.get(`/i/${guess()}`);
    expect(page.status).toBe(429);
    expect(Number(page.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(textOf(page.html)).toMatch(TOO_MANY);
    // Posting a guessed token is refused the same way.
    expect((await prober.post(`/reset-password/${guess()}`, { password: "new password 456", confirm: "new password 456" })).status).toBe(429);
    expect((await prober.post(`/invitation/${guess()}`, { intent: "accept" })).status).toBe(429);
    expect((await prober.post(`/signup/${guess()}`, {})).status).toBe(429);
    // Someone else is unaffected.
    expect((await app.browser().get(`/i/${guess()}`)).status).toBe(404);
  });

  it("refuses a client that guessed links in one web process a real consultation link in another, until the window ends", async () => {
    const { link } = await sentInvoice(app);
    const other = await otherWebProcess();
    try {
      const ip = "203.0.113.78";
      const prober = new TestBrowser(app.baseUrl, ip);
      const inOther = (address: string) => new TestBrowser(other.baseUrl, address).get(link);
      for (let i = 0; i < 21; i++) await prober.get(`/i/${guess()}`);
      // The other process has not seen this client guess: it reads the shared count before looking the link up.
      const page = await inOther(ip);
      expect(page.status).toBe(429);
      expect(Number(page.headers.get("retry-after"))).toBeGreaterThan(3000);
      // Once the window is over (here: its end moved to the past), the same client sees the page.
      await app.db.rateLimit.updateMany({ where: { key: { startsWith: "linkGuesses" } }, data: { expire: new Date(Date.now() - 1000) } });
      expect((await inOther(ip)).status).toBe(200);
      expect((await inOther("203.0.113.79")).status).toBe(200);
    } finally {
      await other.close();
    }
  });

  it("allows twenty guessed links in the window and refuses the next, from the shared count alone", async () => {
    const counting = createThrottles(app.db);
    const elsewhere = createThrottles(app.db); // another process's limiters: nothing of this client in memory
    const ip = "203.0.113.80";
    for (let i = 0; i < 20; i++) await counting.consume("linkGuesses", ip);
    expect(await elsewhere.check("linkGuesses", ip)).toEqual({ ok: true });
    await counting.consume("linkGuesses", ip);
    const refused = await elsewhere.check("linkGuesses", ip);
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.retryAfterMs).toBeGreaterThan(59 * 60_000);
  });

  it("counts guessed sign-up links, shown or posted, and refuses a blocked client a right one too", async () => {
    const email = `guessed-signup-${Date.now()}@example.fr`;
    await app.browser().post("/signup", { name: "Vraie", email, password: "a long password", organisationName: "Vraie SARL" });
    const link = await emailLink(app, email, "signup_confirm", /\/signup\/[\w-]+/);
    const prober = app.browser();
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      statuses.push((await prober.get(`/signup/${guess()}`)).status);
      statuses.push((await prober.post(`/signup/${guess()}`, {})).status);
    }
    expect(statuses.slice(0, 4).every((s) => s === 200)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    expect((await prober.get(link)).status).toBe(429);
    expect((await prober.post(link, {})).status).toBe(429);
    expect(await app.db.user.count({ where: { email } })).toBe(0);
    // The person who got the email is not affected.
    const owner = app.browser();
    expect(textOf((await owner.get(link)).html)).toContain(`Compte pour ${email}`);
    expect((await owner.post(link, {})).location).toBe("/settings/organisation");
  });

  it("refuses a blocked client even when a guess is right, so a hit cannot be told apart", async () => {
    const { link } = await sentInvoice(app, { providers: [] });
    const prober = app.browser();
    for (let i = 0; i < 30; i++) await prober.get(`/i/${guess()}`);
    expect((await prober.get(link)).status).toBe(429);
    expect((await app.browser().get(link)).status).toBe(200);
  });
});
