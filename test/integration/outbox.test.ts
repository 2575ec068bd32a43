import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { MAX_EMAIL_ATTEMPTS, bearerLink, deliverDueEmails, enqueueEmail, enqueueStoredTemplate } from "~/domain/outbox";
import type { Db } from "~/lib/db.server";
import { createLogger } from "~/lib/logger.server";
import { resendTransport } from "../../integrations/resend";
import { createTestDb } from "../helpers/db";

/** Resend's API as the SDK sees it: answers scripted per call, every request recorded. */
const received: { idempotencyKey: string | null; body: Record<string, unknown> }[] = [];
let script: ("ok" | "500" | "network" | "422")[] = [];
const server = setupServer(
  http.post("https://api.resend.com/emails", async ({ request }) => {
    received.push({ idempotencyKey: request.headers.get("idempotency-key"), body: (await request.json()) as Record<string, unknown> });
    const next = script.shift() ?? "ok";
    if (next === "network") return HttpResponse.error();
    if (next === "500") return HttpResponse.json({ name: "internal_server_error", message: "Unexpected error", statusCode: 500 }, { status: 500 });
    if (next === "422") return HttpResponse.json({ name: "validation_error", message: "Invalid `to` field", statusCode: 422 }, { status: 422 });
    return HttpResponse.json({ id: `re_${received.length}` });
  }),
);

let db: Db;
let cleanup: () => Promise<void>;
const log = createLogger("silent");
const transport = resendTransport("re_test_key");
const deliver = (at: Date) => deliverDueEmails({ db, transport, from: "Factures <f@example.fr>", log, encryptionKey: "0123456789abcdef".repeat(4) }, at);

beforeAll(async () => {
  server.listen({ onUnhandledRequest: "error" });
  ({ db, cleanup } = await createTestDb());
});
afterAll(async () => {
  server.close();
  await cleanup();
});
beforeEach(async () => {
  received.length = 0;
  script = [];
  await db.outboxEmail.deleteMany();
});
afterEach(() => server.resetHandlers());

let n = 0;
const queue = () =>
  enqueueEmail(db, { kind: "test", to: "client@example.fr", subject: "Facture", html: "<p>Bonjour</p>", text: "Bonjour", idempotencyKey: `test/${++n}` });

describe("the email outbox delivering through Resend", () => {
  it("retries with backoff while Resend is down, then sends exactly once with the same idempotency key", async () => {
    const email = await queue();
    script = ["500", "network", "ok"];
    const t0 = new Date();
    expect(await deliver(t0)).toBe(0);
    let row = await db.outboxEmail.findUniqueOrThrow({ where: { id: email.id } });
    expect(row).toMatchObject({ status: "pending", attempts: 1 });
    expect(row.lastError).toContain("internal_server_error");
    expect(row.nextAttemptAt.getTime() - t0.getTime()).toBe(30_000);

    expect(await deliver(new Date(t0.getTime() + 10_000))).toBe(0); // not due yet
    expect(received).toHaveLength(1);

    expect(await deliver(new Date(t0.getTime() + 31_000))).toBe(0); // network failure
    row = await db.outboxEmail.findUniqueOrThrow({ where: { id: email.id } });
    expect(row).toMatchObject({ status: "pending", attempts: 2 });

    expect(await deliver(new Date(t0.getTime() + 31_000 + 61_000))).toBe(1);
    row = await db.outboxEmail.findUniqueOrThrow({ where: { id: email.id } });
    expect(row).toMatchObject({ status: "sent", providerMessageId: "re_3", lastError: null });
    expect(received.map((r) => r.idempotencyKey)).toEqual([email.idempotencyKey, email.idempotencyKey, email.idempotencyKey]);
    expect(received[2].body).toMatchObject({ to: "client@example.fr", subject: "Facture", text: "Bonjour", from: "Factures <f@example.fr>" });

    expect(await deliver(new Date(t0.getTime() + 86_400_000))).toBe(0);
    expect(received).toHaveLength(3);
  });

  it("never sends twice when two workers run at once", async () => {
    await queue();
    const results = await Promise.all([deliver(new Date()), deliver(new Date()), deliver(new Date())]);
    expect(results.reduce((a, b) => a + b, 0)).toBe(1);
    expect(received).toHaveLength(1);
  });

  it("renders an email queued as a template when it delivers it, and keeps what it sent", async () => {
    const email = await enqueueStoredTemplate(db, {
      kind: "payment_received",
      to: "merchant@example.fr",
      subject: "Paiement reçu",
      idempotencyKey: `stored/${++n}`,
      template: { name: "notice", props: { locale: "fr", preview: "Paiement reçu", paragraphs: ["Lucie Moreau a réglé 120,00 €."], footer: "Atelier" } },
    });
    expect(email.html).toBe("");
    expect(await deliver(new Date())).toBe(1);
    expect(received[0].body).toMatchObject({ subject: "Paiement reçu" });
    expect(String(received[0].body.html)).toContain("Lucie Moreau a réglé 120,00 €.");
    expect(String(received[0].body.text)).toContain("Lucie Moreau a réglé 120,00 €.");
    const row = await db.outboxEmail.findUniqueOrThrow({ where: { id: email.id } });
    expect(row).toMatchObject({ status: "sent", template: null });
    expect(row.html).toContain("Lucie Moreau");
  });

  it("sends a bearer link's token that it never stored, and keeps the body without it", async () => {
    const key = "0123456789abcdef".repeat(4);
    const token = "tok_1234567890abcdefghijklmnop";
    const link = bearerLink(key, "https://factures.example.fr/reset-password/", token);
    const email = await enqueueEmail(db, {
      kind: "password_reset",
      to: "client@example.fr",
      subject: "Réinitialisez",
      html: `<a href="${link.url}">${link.url}</a>`,
      text: `Lien : ${link.url}`,
      secret: link.secret,
      idempotencyKey: `sealed/${++n}`,
    });
    expect(JSON.stringify(email)).not.toContain(token);
    expect(await deliver(new Date())).toBe(1);
    expect(received[0].body).toMatchObject({ text: `Lien : https://factures.example.fr/reset-password/${token}` });
    expect(String(received[0].body.html)).toContain(`href="https://factures.example.fr/reset-password/${token}"`);
    const row = await db.outboxEmail.findUniqueOrThrow({ where: { id: email.id } });
    expect(row).toMatchObject({ status: "sent", secret: null, text: "Lien : https://factures.example.fr/reset-password/[redacted]" });
    expect(JSON.stringify(row)).not.toContain(token);
  });

  it("queues one email for the same idempotency key", async () => {
    const first = await queue();
    const again = await enqueueEmail(db, { kind: "test", to: "x@example.fr", subject: "S", html: "", text: "", idempotencyKey: first.idempotencyKey });
    expect(again.id).toBe(first.id);
  });

  it("picks up an email left 'sending' by a worker that died, once its claim has run out", async () => {
    const email = await queue();
    const crashAt = new Date();
    // A claim is a lease until nextAttemptAt (15 s), renewed while the worker lives.
    await db.outboxEmail.update({ where: { id: email.id }, data: { status: "sending", attempts: 1, nextAttemptAt: new Date(crashAt.getTime() + 15_000) } });
    expect(await deliver(new Date(crashAt.getTime() + 5_000))).toBe(0);
    expect(await deliver(new Date(crashAt.getTime() + 16_000))).toBe(1);
    expect(received[0].idempotencyKey).toBe(email.idempotencyKey);
  });

  it("gives up after the last attempt and says so", async () => {
    const email = await queue();
    script = Array(MAX_EMAIL_ATTEMPTS).fill("422");
    let at = Date.now();
    for (let i = 0; i < MAX_EMAIL_ATTEMPTS; i++) {
      await deliver(new Date(at));
      at += 7 * 60 * 60 * 1000;
    }
    const row = await db.outboxEmail.findUniqueOrThrow({ where: { id: email.id } });
    expect(row).toMatchObject({ status: "failed", attempts: MAX_EMAIL_ATTEMPTS });
    expect(row.lastError).toContain("validation_error");
  });
});
