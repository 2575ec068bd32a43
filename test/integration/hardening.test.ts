/**
 * Issue 12 (hardening), items 2, 3 and 7: each test replays the attack the issue describes.
 */
import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, textOf, type TestApp } from "../helpers/app";
import { createCustomer, emailLinks, sentInvoice, signUpMerchant } from "../helpers/merchant";
import { useProviderMocks } from "../mocks/providers";

useProviderMocks();
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app.close());

/** Logs in through the form with a given redirectTo; answers the response's Location (or the status when there is none). */
async function loginRedirect(redirectTo: string) {
  const password = "correct horse battery";
  const { email } = await signUpMerchant(app, { password });
  const page = await app.browser().post("/login", { email, password, redirectTo });
  return { status: page.status, location: page.location };
}

/** Where a browser goes with this Location header, from a page of the app. */
const followedOrigin = (location: string) => new URL(location, app.baseUrl).origin;

describe("redirect targets (item 2)", () => {
  const attacks = [
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "//evil.example",
    "/\\evil.example",
    "\\/evil.example",
    "https://evil.example/invoices",
    "/.//evil.example",
    "/%2F/evil.example",
    " //evil.example",
    "javascript:alert(1)",
    "http:evil.example",
  ];

  it.each(attacks)("login never sends the browser to another site (%j)", async (redirectTo) => {
    const { status, location } = await loginRedirect(redirectTo);
    expect(status).toBe(302);
    expect(location).not.toMatch(/[\t\r\n]/);
    expect(followedOrigin(location!)).toBe(app.baseUrl);
    expect(location!.startsWith("//")).toBe(false);
  });

  it("keeps a same-origin target, path and query", async () => {
    expect((await loginRedirect("/customers?page=2")).location).toBe("/customers?page=2");
    expect((await loginRedirect(`${app.baseUrl}/customers`)).location).toBe("/customers");
  });

  it.each<Record<string, string>>([{}, { intent: "decline" }, { intent: "accept" }])(
    "an invitation link's own redirect keeps its token encoded (%j)",
    async (answer) => {
      // A line break in the token made the Location header invalid (a 500); encoded, it stays one path segment.
      const token = `${"A".repeat(22)}%0D%0A%2F%2Fevil.example`;
      const page = await app.browser().post(`/invitation/${token}`, answer);
      expect(page.status).toBe(302);
      expect(page.location).toBe(`/invitation/${token}`);
      expect(followedOrigin(page.location!)).toBe(app.baseUrl);
    },
  );

  it.each(attacks)("the language switch never sends the browser to another site (%j)", async (redirectTo) => {
    const page = await app.browser().post("/locale", { locale: "en", redirectTo });
    expect(page.status).toBe(302);
    expect(followedOrigin(page.location!)).toBe(app.baseUrl);
    expect(page.location!.startsWith("//")).toBe(false);
  });
});

/** Sends `total` bytes to `path` with Transfer-Encoding: chunked (no Content-Length); stops when the server answers. */
function sendChunked(path: string, total: number, headers: Record<string, string>) {
  return new Promise<{ status: number; sent: number }>((resolve, reject) => {
    const url = new URL(path, app.baseUrl);
    const req = httpRequest(url, { method: "POST", headers: { ...headers, "transfer-encoding": "chunked", origin: app.baseUrl } });
    let sent = 0;
    let answered = false;
    const chunk = Buffer.alloc(64 * 1024, "a");
    req.on("response", (res) => {
      answered = true;
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode ?? 0, sent }));
    });
    req.on("error", (error) => (answered ? undefined : reject(error)));
    const pump = () => {
      while (!answered && sent < total) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once("drain", pump);
      }
      if (!answered) req.end();
    };
    pump();
  });
}

describe("streamed bodies are limited as they arrive (item 3)", () => {
  it("stops a chunked body to a page's action at the limit with a 413", async () => {
    const result = await sendChunked("/login", 200 * 1024 * 1024, { "content-type": "application/x-www-form-urlencoded" });
    expect(result.status).toBe(413);
    // The server answered long before the end: it did not read (or keep) 200 MB first.
    expect(result.sent).toBeLessThan(16 * 1024 * 1024);
  });

  it("stops a chunked body to the webhook endpoint at its limit with a 413", async () => {
    const result = await sendChunked("/webhooks/stripe", 200 * 1024 * 1024, { "content-type": "application/json" });
    expect(result.status).toBe(413);
    expect(result.sent).toBeLessThan(16 * 1024 * 1024);
  });

  it("still reads a chunked form below the limit", async () => {
    const login = await fetch(`${app.baseUrl}/login`);
    const cookie = login.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
    const csrf = /name="csrf" value="([^"]+)"/.exec(await login.text())![1];
    const body = new URLSearchParams({ email: "nobody@example.fr", password: "x".repeat(10), csrf }).toString();
    const res = await fetch(`${app.baseUrl}/login`, {
      method: "POST",
      body: new Blob([body]).stream(), // no Content-Length: sent chunked
      duplex: "half",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: app.baseUrl, cookie },
    } as RequestInit);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("E-mail ou mot de passe incorrect.");
  });
});

describe("unknown and unsupported methods (item 7)", () => {
  it.each(["TRACE", "PUT", "PATCH", "DELETE", "OPTIONS", "PROPFIND", "MKCOL"])("%s answers 405 with the methods allowed", async (method) => {
    for (const path of ["/", "/login", "/invoices", "/healthz", "/nope"]) {
      const res = await rawRequest(method, path);
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.allow).toBe("GET, HEAD, POST");
    }
  });
});

function rawRequest(method: string, path: string) {
  return new Promise<{ status: number; allow: string | undefined }>((resolve, reject) => {
    const req = httpRequest(new URL(path, app.baseUrl), { method }, (res) => {
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode ?? 0, allow: res.headers.allow }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("password reset links (item 7)", () => {
  const resetLinks = (email: string) => emailLinks(app, email, "password_reset", /\/reset-password\/[\w-]+/);

  it("using one link makes every other outstanding link for that account unusable", async () => {
    const { email } = await signUpMerchant(app);
    await app.browser().post("/forgot-password", { email });
    await app.browser().post("/forgot-password", { email });
    const [older, newer] = await resetLinks(email);
    expect(older).not.toBe(newer);

    const used = await app.browser().post(newer, { password: "a brand new password", confirm: "a brand new password" });
    expect(used.status).toBe(302);

    const browser = app.browser();
    expect(textOf((await browser.get(older)).html)).toContain("Ce lien de réinitialisation est invalide ou a expiré.");
    const replay = await browser.post(older, { password: "the attacker's password", confirm: "the attacker's password" });
    expect(replay.status).toBe(200);
    expect(textOf(replay.html)).toContain("Ce lien de réinitialisation est invalide ou a expiré.");
    const login = await app.browser().post("/login", { email, password: "the attacker's password" });
    expect(login.status).toBe(200);
  });

  it("changing the password from the account page also ends outstanding links", async () => {
    const password = "correct horse battery";
    const { browser, email } = await signUpMerchant(app, { password });
    await app.browser().post("/forgot-password", { email });
    const [link] = await resetLinks(email);
    const changed = await browser.post("/account/password", { currentPassword: password, password: "another long password", confirm: "another long password" });
    expect(changed.status).toBe(200);
    expect(textOf((await app.browser().get(link)).html)).toContain("Ce lien de réinitialisation est invalide ou a expiré.");
  });
});

describe("invoice amounts (item 7)", () => {
  const line = (i: number, unitPrice: string, vatRate: string) => ({
    [`lines[${i}].description`]: `Ligne ${i}`,
    [`lines[${i}].quantity`]: "1",
    [`lines[${i}].unitPrice`]: unitPrice,
    [`lines[${i}].vatRate`]: vatRate,
  });

  async function postInvoice(lines: Record<string, string>) {
    const { browser, organisationId } = await signUpMerchant(app);
    const customerId = await createCustomer(browser);
    const page = await browser.post("/invoices/new", { customerId, currency: "EUR", issueDate: "2026-11-01", dueDate: "2026-12-01", ...lines });
    return { page, stored: await app.db.invoice.findMany({ where: { organisationId } }) };
  }

  it("refuses the cap bypass: large positive and negative lines whose VAT overflows (nothing stored)", async () => {
    // Subtotal −21 000 000,00 €, VAT 42 000 000,00 €, total 21 000 000,00 €: the total alone is under the cap.
    const { page, stored } = await postInvoice({
      ...line(0, "21000000", "100"),
      ...line(1, "21000000", "100"),
      ...line(2, "-21000000", "0"),
      ...line(3, "-21000000", "0"),
      ...line(4, "-21000000", "0"),
    });
    expect(page.status).toBe(200);
    expect(textOf(page.html)).toContain("Montant trop élevé.");
    expect(stored).toEqual([]);
  });

  it.each([
    ["a negative total", [line(0, "100", "20"), line(1, "-200", "20")], "Le total d'une facture ne peut pas être négatif."],
    ["a negative total excluding VAT", [line(0, "100", "100"), line(1, "-150", "0")], "Le total hors TVA d'une facture ne peut pas être négatif."],
    ["a negative VAT", [line(0, "100", "0"), line(1, "-50", "20")], "La TVA d'une facture ne peut pas être négative"],
  ])("refuses %s with its own message", async (_name, lines, message) => {
    const { page, stored } = await postInvoice(Object.assign({}, ...lines));
    expect(page.status).toBe(200);
    expect(textOf(page.html)).toContain(message);
    expect(stored).toEqual([]);
  });

  it("still takes a discount line that leaves every total positive", async () => {
    const { page, stored } = await postInvoice({ ...line(0, "100", "20"), ...line(1, "-10", "20") });
    expect(page.status).toBe(302);
    expect(stored).toMatchObject([{ subtotalMinor: 9000, taxMinor: 1800, totalMinor: 10800 }]);
  });
});

/** The nonce the policy allows, and every script tag of the page. */
function scriptsAndNonce(page: { html: string; headers: Headers }) {
  const policy = page.headers.get("content-security-policy") ?? "";
  const nonce = /script-src 'self' 'nonce-([^']+)'/.exec(policy)?.[1];
  const scripts = [...page.html.matchAll(/<script\b[^>]*>/g)].map(([tag]) => tag);
  return { policy, nonce, scripts };
}

describe("Content-Security-Policy and caching (item 7)", () => {
  it("lets only the app's own scripts and this answer's inline scripts run", async () => {
    const page = await app.browser().get("/login");
    const { policy, nonce, scripts } = scriptsAndNonce(page);
    expect(policy).toContain("default-src 'self'");
    expect(policy).toContain("object-src 'none'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).toContain("base-uri 'self'");
    expect(policy).not.toContain("unsafe-inline");
    expect(nonce).toMatch(/^[A-Za-z0-9+/=]{20,}$/);
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
    // A new nonce for every answer.
    expect(scriptsAndNonce(await app.browser().get("/login")).nonce).not.toBe(nonce);
  });

  it("gives kept consultation pages the nonce of each answer", async () => {
    const { link } = await sentInvoice(app);
    for (let visit = 0; visit < 3; visit++) {
      const page = await app.browser().get(link);
      expect(page.status).toBe(200);
      const { nonce, scripts } = scriptsAndNonce(page);
      expect(scripts.length).toBeGreaterThan(0);
      for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
      expect(page.html).not.toMatch(/nonce[A-Za-z0-9]{20,}/); // no placeholder left
    }
  });

  it("allows inline styles only on the local mailbox (emails are all inline styles), never scripts", async () => {
    const policy = (await app.browser().get("/mailbox")).headers.get("content-security-policy")!;
    expect(policy).toContain("style-src 'self' 'unsafe-inline'");
    expect(policy).toMatch(/script-src 'self' 'nonce-[^']+';/);
    expect((await app.browser().get("/login")).headers.get("content-security-policy")).toContain("style-src 'self';");
  });

  it("every page and error answer carries the policy", async () => {
    for (const path of ["/", "/nope", "/healthz"]) expect((await app.browser().get(path)).headers.get("content-security-policy")).toContain("script-src");
  });

  it("signed-in pages, their data and PDFs are never stored by a cache", async () => {
    const { browser, invoiceId } = await sentInvoice(app);
    for (const path of ["/invoices", `/invoices/${invoiceId}`, "/customers", "/settings/organisation", "/invoices.data"]) {
      const page = await browser.get(path);
      expect(page.status, path).toBe(200);
      expect(page.headers.get("cache-control"), path).toBe("no-store");
    }
    expect((await browser.get(`/invoices/${invoiceId}/pdf`)).headers.get("cache-control")).toBe("private, no-store");
    // Static files keep their long cache.
    const login = await app.browser().get("/login");
    const asset = /\/assets\/[\w.-]+\.js/.exec(login.html)![0];
    expect((await browser.get(asset)).headers.get("cache-control")).toContain("immutable");
  });
});

describe("whether an address has an account is never told (item 7)", () => {
  /** An account made directly in the database, so these tests replay the attack on any version of the forms. */
  async function existingAccount() {
    const email = `owner-${Date.now()}-${Math.random().toString(36).slice(2)}@example.fr`;
    await app.db.user.create({ data: { email, name: "Owner", passwordHash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA" } });
    return email;
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

  /** Times the same form posted for a known and an unknown address, interleaved; answers the medians and the pages' text. */
  async function timeBoth(path: string, fields: (email: string) => Record<string, string>, samples = 8) {
    const known: number[] = [];
    const unknown: number[] = [];
    const texts = new Set<string>();
    for (let i = 0; i < samples; i++) {
      for (const [email, into] of [
        [await existingAccount(), known],
        [`nobody-${i}-${Date.now()}@example.fr`, unknown],
      ] as const) {
        const browser = app.browser();
        await browser.csrfToken();
        const started = performance.now();
        const page = await browser.post(path, fields(email));
        into.push(performance.now() - started);
        texts.add(`${page.status} ${textOf(page.html).replace(email, "ADDRESS")}`);
      }
    }
    return { known: median(known), unknown: median(unknown), texts: [...texts] };
  }

  it("forgotten password: the same answer, in the same time, for a known and an unknown address", async () => {
    const { known, unknown, texts } = await timeBoth("/forgot-password", (email) => ({ email }));
    expect(texts).toHaveLength(1);
    expect(Math.abs(known - unknown), `known ${known.toFixed(1)} ms, unknown ${unknown.toFixed(1)} ms`).toBeLessThan(10);
  });

  it("sign-up: the same answer, in the same time, for an address with an account and a new one", async () => {
    const { known, unknown, texts } = await timeBoth(
      "/signup",
      (email) => ({ name: "Eve", email, password: "a long password", organisationName: "Eve SARL" }),
      6,
    );
    expect(texts).toHaveLength(1);
    expect(texts[0]).toContain("Vérifiez votre boîte mail");
    expect(Math.abs(known - unknown), `known ${known.toFixed(1)} ms, unknown ${unknown.toFixed(1)} ms`).toBeLessThan(10);
  });
});
