/**
 * npm run bench: measures the production build on loopback (2-core machine targets in the README).
 * Starts the server as `npm start` does, on a throw-away database seeded with 10,000 invoices.
 */
import { randomUUID } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import autocannon from "autocannon";
import Stripe from "stripe";
import { sendInvoice } from "~/domain/sending";
import { completeConfig, parseEnv } from "~/lib/config.server";
import { encryptSecret } from "~/lib/crypto.server";
import { createDb } from "~/lib/db.server";
import { hashToken, randomToken } from "~/lib/tokens.server";
import { renderInvoicePdf } from "~/pdf/invoice-document";
import { partiesOf } from "~/domain/invoices/service";
import { providerSettings } from "../integrations/settings";
import { createTestDb } from "../test/helpers/db";
import { startServer } from "../test/e2e/server";

const INVOICES = 10_000;
const WEBHOOK_PAYMENTS = 2_000;
const DUPLICATE_SHARE = 0.1;

const server = await startServer({ LOG_LEVEL: "error" });
const config = completeConfig(parseEnv(server.env), () => { throw new Error("secrets are set"); });
const db = createDb(config.DATABASE_URL);
const results: Record<string, Record<string, number | string | boolean>> = {};

try {
  // ---- seed: one merchant, a connected Stripe account, 10,000 open invoices ----
  const user = await db.user.create({ data: { email: `bench-${Date.now()}@example.fr`, name: "Bench", passwordHash: "x" } });
  const org = await db.organisation.create({ data: { legalName: "Banc d'essai SAS", memberships: { create: { userId: user.id, role: "owner" } } } });
  const customer = await db.customer.create({ data: { organisationId: org.id, name: "Client Banc", email: "client@example.fr" } });
  const account = "acct_bench";
  await db.providerConnection.create({ data: { organisationId: org.id, provider: "stripe", accountId: account, environment: "sandbox", encryptedToken: encryptSecret(config.ENCRYPTION_KEY, "sk_test_bench"), connectedById: user.id } });
  const now = new Date();
  const ids = Array.from({ length: INVOICES }, (_, i) => `binv${String(i + 1).padStart(6, "0")}`);
  const at = (i: number) => new Date(now.getTime() - (INVOICES - i) * 60_000);
  for (let from = 0; from < INVOICES; from += 1000) {
    const chunk = ids.slice(from, from + 1000);
    await db.invoice.createMany({
      data: chunk.map((id, k) => ({
        id, organisationId: org.id, customerId: customer.id, status: "open", number: `B-${from + k + 1}`, sequence: from + k + 1, currency: "EUR",
        issueDate: at(from + k), dueDate: at(from + k), subtotalMinor: 10000, taxMinor: 2000, totalMinor: 12000, amountDueMinor: 12000,
        onlinePayment: true, createdAt: at(from + k), finalisedAt: at(from + k), sentAt: at(from + k),
      })),
    });
    await db.invoiceLine.createMany({
      data: chunk.map((id) => ({ invoiceId: id, position: 0, description: "Prestation", quantityThousandths: 1000, unitPriceMinor: 10000, vatRateBasisPoints: 2000, totalMinor: 10000 })),
    });
  }
  await db.organisation.update({ where: { id: org.id }, data: { lastInvoiceSequence: INVOICES } });
  const sessionToken = randomToken();
  await db.session.create({ data: { tokenHash: hashToken(sessionToken), userId: user.id, organisationId: org.id, expiresAt: new Date(Date.now() + 86400_000) } });
  const linkToken = randomToken();
  await db.invoiceLink.create({ data: { organisationId: org.id, invoiceId: ids[0], tokenHash: hashToken(linkToken), encryptedToken: encryptSecret(config.ENCRYPTION_KEY, linkToken) } });
  const cookie = `sid=${sessionToken}`;

  const load = (opts: autocannon.Options) => autocannon({ ...opts, url: server.url + (opts.url ?? "") }) as unknown as Promise<autocannon.Result>;
  const summary = (r: autocannon.Result) => ({ requestsPerSecond: Math.round(r.requests.average), p50ms: r.latency.p50, p99ms: r.latency.p99, non2xx: r.non2xx, errors: r.errors });

  // ---- consultation page ----
  await load({ url: `/i/${linkToken}`, connections: 10, duration: 2 }); // warm-up
  results.consultationPage = summary(await load({ url: `/i/${linkToken}`, connections: 100, duration: 10 }));
  results.consultationPage10 = summary(await load({ url: `/i/${linkToken}`, connections: 10, duration: 5 }));

  // ---- invoice list over 10,000 invoices ----
  // One connection: the server time of one request, with 10,000 invoices behind it.
  results.invoiceList = summary(await load({ url: "/invoices", connections: 1, duration: 5, headers: { cookie } }));
  results.invoiceListFilteredDeepPage = summary(await load({ url: "/invoices?status=open&page=300", connections: 1, duration: 5, headers: { cookie } }));

  // ---- webhook ingestion: validly signed, 10% duplicates, shuffled; then exactly-once check ----
  const secret = providerSettings(config).stripe.webhookSecret;
  const unique = ids.slice(1, 1 + WEBHOOK_PAYMENTS).map((invoiceId, i) => {
    const payload = JSON.stringify({
      id: `evt_bench_${i}`, object: "event", api_version: "2026-10-28.endive", created: Math.floor(Date.now() / 1000), livemode: false,
      type: "checkout.session.completed", account,
      data: { object: { id: `cs_bench_${i}`, object: "checkout.session", amount_total: 12000, currency: "eur", payment_status: "paid", payment_intent: `pi_bench_${i}`, metadata: { invoice_id: invoiceId }, client_reference_id: invoiceId } },
    });
    return payload;
  });
  const deliveries = [...unique, ...unique.slice(0, Math.round(WEBHOOK_PAYMENTS * DUPLICATE_SHARE))].sort(() => Math.random() - 0.5);
  let next = 0;
  const started = Date.now();
  const ingest = await load({
    url: "/webhooks/stripe",
    connections: 20,
    amount: deliveries.length,
    requests: [{
      method: "POST",
      setupRequest: (req) => {
        const body = deliveries[next++ % deliveries.length];
        return { ...req, body, headers: { "content-type": "application/json", "stripe-signature": Stripe.webhooks.generateTestHeaderString({ payload: body, secret }) } };
      },
    }],
  });
  const ingestSeconds = (Date.now() - started) / 1000;
  results.webhookIngestion = { ...summary(ingest), deliveries: deliveries.length, eventsPerSecond: Math.round(deliveries.length / ingestSeconds) };

  const processStart = Date.now();
  for (;;) {
    const left = await db.webhookEvent.count({ where: { status: { in: ["pending", "processing"] } } });
    if (left === 0 || Date.now() - processStart > 300_000) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const processSeconds = (Date.now() - processStart) / 1000;
  const [payments, paidInvoices, storedEvents, doubled] = await Promise.all([
    db.payment.count({ where: { organisationId: org.id } }),
    db.invoice.count({ where: { organisationId: org.id, status: "paid" } }),
    db.webhookEvent.count({ where: { provider: "stripe" } }),
    db.$queryRawUnsafe<{ n: number }[]>(`SELECT COUNT(*) AS n FROM (SELECT "invoiceId" FROM "Payment" GROUP BY "invoiceId" HAVING COUNT(*) > 1)`),
  ]);
  results.webhookProcessing = {
    storedEvents, payments, paidInvoices, invoicesPaidTwice: Number(doubled[0].n),
    exactlyOnce: storedEvents === WEBHOOK_PAYMENTS && payments === WEBHOOK_PAYMENTS && paidInvoices === WEBHOOK_PAYMENTS && Number(doubled[0].n) === 0,
    eventsProcessedPerSecond: Math.round(WEBHOOK_PAYMENTS / processSeconds),
  };

  // ---- invoice PDF rendering ----
  const invoice = await db.invoice.findUniqueOrThrow({ where: { id: ids[0] }, include: { lines: true, customer: true, organisation: true } });
  const timings: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t0 = performance.now();
    await renderInvoicePdf(invoice, partiesOf(invoice), "fr");
    timings.push(performance.now() - t0);
  }
  timings.sort((a, b) => a - b);
  results.pdfRendering = { meanMs: Math.round(timings.reduce((a, b) => a + b, 0) / timings.length), p50Ms: Math.round(timings[10]), maxMs: Math.round(timings[19]) };

  // ---- invoice emails rendered and queued (in this process, on its own copy: no contention with the server's workers) ----
  const scratch = await createTestDb();
  const sOrg = await scratch.db.organisation.create({ data: { legalName: "Banc d'essai SAS" } });
  const sCustomer = await scratch.db.customer.create({ data: { organisationId: sOrg.id, name: "Client Banc", email: "client@example.fr" } });
  const EMAILS = 300;
  const emailInvoices = await Promise.all(Array.from({ length: EMAILS }, (_, i) => scratch.db.invoice.create({
    data: { organisationId: sOrg.id, customerId: sCustomer.id, status: "open", number: `E-${i + 1}`, sequence: i + 1, currency: "EUR", issueDate: now, dueDate: now, totalMinor: 12000, amountDueMinor: 12000 },
  })));
  const emailStart = performance.now();
  for (const invoice of emailInvoices) {
    await sendInvoice({ db: scratch.db, encryptionKey: config.ENCRYPTION_KEY, appUrl: config.APP_URL }, { organisationId: sOrg.id, invoiceId: invoice.id, kind: "invoice", requestKey: randomUUID() }, new Date());
  }
  results.emailsQueued = { emails: EMAILS, perSecond: Math.round(EMAILS / ((performance.now() - emailStart) / 1000)) };
  await scratch.cleanup();

  console.table(Object.fromEntries(Object.entries(results).map(([k, v]) => [k, v])));
  mkdirSync("bench/results", { recursive: true });
  writeFileSync("bench/results/latest.json", JSON.stringify({ at: new Date().toISOString(), node: process.version, results }, null, 2));
  console.log("written bench/results/latest.json");
  if (!results.webhookProcessing.exactlyOnce) process.exitCode = 1;
} finally {
  await db.$disconnect();
  await server.stop();
}
