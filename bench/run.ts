/**
 * npm run bench: measures the production build on loopback (2-core machine targets in the README).
 * Starts the server as `npm start` does, on a throw-away database seeded with 10,000 invoices.
 */
import { randomUUID } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import autocannon from "autocannon";
import { sendInvoice } from "~/domain/sending";
import { completeConfig, parseEnv } from "~/lib/config.server";
import { encryptSecret } from "~/lib/crypto.server";
import { createDb, type Db } from "~/lib/db.server";
import { hashToken, randomToken } from "~/lib/tokens.server";
import { renderInvoicePdf } from "~/pdf/invoice-document";
import { formatInvoiceCursor, partiesOf } from "~/domain/invoices/service";
import { providerSettings } from "../integrations/settings";
import { createTestDb } from "../test/helpers/db";
import { startServer } from "../test/e2e/server";
import { countPaidOnce, mixedStatuses, paidCheckoutDelivery, seedLoadMerchant } from "../test/helpers/load-seed";
import { bareBookkeeping, bareBytesServer, bareWebhookServer, childPids, commandOf, processFootprint } from "./floors";

const INVOICES = 10_000;
/** A burst the size of a month's debits confirming together for a mid-sized merchant. */
const WEBHOOK_PAYMENTS = 5_000;
const DUPLICATE_SHARE = 0.1;
/** BENCH_ONLY=consultation,webhooks runs a subset (consultation, list, webhooks, pdf, emails, list100k, soak, boot). */
const only = process.env.BENCH_ONLY?.split(",");
const runs = (part: string) => !only || only.includes(part);

let server = await startServer({ LOG_LEVEL: "error" });
const config = completeConfig(parseEnv(server.env), () => {
  throw new Error("secrets are set");
});
const db = createDb(config.DATABASE_URL);
const results: Record<string, Record<string, number | string | boolean>> = {};

try {
  // ---- seed: one merchant, a connected Stripe account, 10,000 open invoices ----
  const now = new Date();
  const { user, org, account, ids } = await seedLoadMerchant(db, INVOICES, config.ENCRYPTION_KEY);
  // The bulk seeding is set-up, not load: fold its write-ahead log into the database before measuring.
  await db.$queryRawUnsafe("PRAGMA wal_checkpoint(TRUNCATE)");
  const sessionToken = randomToken();
  await db.session.create({
    data: { tokenHash: hashToken(sessionToken), userId: user.id, organisationId: org.id, expiresAt: new Date(Date.now() + 86400_000) },
  });
  const linkToken = randomToken();
  await db.invoiceLink.create({
    data: { organisationId: org.id, invoiceId: ids[0], tokenHash: hashToken(linkToken), encryptedToken: encryptSecret(config.ENCRYPTION_KEY, linkToken) },
  });
  const cookie = `sid=${sessionToken}`;

  const load = (opts: autocannon.Options) => autocannon({ ...opts, url: server.url + (opts.url ?? "") }) as unknown as Promise<autocannon.Result>;
  /** Each figure beside a bare floor measured in the same run: the ratio says how far from the floor we are. */
  const ratio = (value: number, floor: number) => Math.round((value / floor) * 100) / 100;
  const footprints = () => Object.fromEntries(childPids(server.process.pid!).map((pid) => [commandOf(pid), processFootprint(pid)]));
  results.processesAtStart = Object.fromEntries(Object.entries(footprints()).map(([name, f]) => [name, `${f.rssMb} MB, ${f.fds} fds`]));
  const summary = (r: autocannon.Result) => ({
    requestsPerSecond: Math.round(r.requests.average),
    p50ms: r.latency.p50,
    p99ms: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors,
  });

  type Timed = { result: autocannon.Result; ms: number };
  const timed = async (run: () => Promise<autocannon.Result>): Promise<Timed> => {
    const started = performance.now();
    const result = await run();
    return { result, ms: performance.now() - started };
  };
  /** Requests per second over all the rounds' time; latencies: the slowest round's. */
  const overRounds = (timings: Timed[]) => ({
    requestsPerSecond: Math.round((timings.reduce((sum, t) => sum + t.result.requests.total, 0) / timings.reduce((sum, t) => sum + t.ms, 0)) * 1000),
    p50ms: Math.max(...timings.map((t) => t.result.latency.p50)),
    p99ms: Math.max(...timings.map((t) => t.result.latency.p99)),
    non2xx: timings.reduce((sum, t) => sum + t.result.non2xx, 0),
    errors: timings.reduce((sum, t) => sum + t.result.errors, 0),
  });

  if (runs("consultation")) {
    // ---- consultation page ----
    await load({ url: `/i/${linkToken}`, connections: 10, duration: 2 }); // warm-up
    results.consultationPage = summary(await load({ url: `/i/${linkToken}`, connections: 100, duration: 10 }));
    results.consultationPage10 = summary(await load({ url: `/i/${linkToken}`, connections: 10, duration: 5 }));
    // Floor: the same page bytes served from memory by a bare node:http server, same load.
    const bytes = Buffer.from(await (await fetch(`${server.url}/i/${linkToken}`)).arrayBuffer());
    const bare = await bareBytesServer(bytes, "text/html; charset=utf-8");
    const floor = summary((await autocannon({ url: bare.url, connections: 100, duration: 10 })) as unknown as autocannon.Result);
    await bare.close();
    results.consultationPageFloor = floor;
    results.consultationPage.requestsRatioToFloor = ratio(Number(results.consultationPage.requestsPerSecond), floor.requestsPerSecond);
    // First views of different invoices (each opened once, so every page is rendered: nothing kept yet), against
    // a trivial page on the same server (the sign-in page: rendered, no query). This machine's speed drifts by a
    // third within seconds, so the two are measured in alternation, four rounds each after a warm-up of both,
    // and each rate is over all its rounds.
    const firstViews = await Promise.all(
      ids.slice(-1500).map(async (invoiceId) => {
        const token = randomToken();
        await db.invoiceLink.create({
          data: { organisationId: org.id, invoiceId, tokenHash: hashToken(token), encryptedToken: encryptSecret(config.ENCRYPTION_KEY, token) },
        });
        return `/i/${token}`;
      }),
    );
    let view = 0;
    const openOnce = (amount: number) =>
      load({ url: "/", connections: 10, amount, requests: [{ setupRequest: (req) => ({ ...req, path: firstViews[view++] }) }] });
    const signIn = (amount: number) => load({ url: "/login", connections: 10, amount });
    await signIn(500);
    await openOnce(500); // warm-up
    const rounds = { trivialPage: [] as Timed[], consultationFirstViews: [] as Timed[] };
    for (let round = 0; round < 4; round++) {
      rounds.trivialPage.push(await timed(() => signIn(500)));
      rounds.consultationFirstViews.push(await timed(() => openOnce(250)));
    }
    if (view !== firstViews.length) throw new Error(`${view} first views asked for, ${firstViews.length} links`);
    results.trivialPage = overRounds(rounds.trivialPage);
    results.consultationFirstViews = overRounds(rounds.consultationFirstViews);
    results.consultationFirstViews.ratioToTrivialPage = ratio(
      Number(results.consultationFirstViews.requestsPerSecond),
      Number(results.trivialPage.requestsPerSecond),
    );
  }

  if (runs("list")) {
    // ---- invoice list over 10,000 invoices ----
    // One connection: the server time of one request, with 10,000 invoices behind it.
    results.invoiceList = summary(await load({ url: "/invoices", connections: 1, duration: 5, headers: { cookie } }));
    const page300 = await deepListPage(db, org.id, 299 * 25, "open"); // the list pages by cursor: page 300 starts after the 7,475th
    results.invoiceListFilteredDeepPage = summary(await load({ url: page300, connections: 1, duration: 5, headers: { cookie } }));
  }

  if (runs("webhooks")) {
    // ---- webhook ingestion: validly signed, 10% duplicates, shuffled; then exactly-once check ----
    const secret = providerSettings(config).stripe.webhookSecret;
    const unique = ids.slice(1, 1 + WEBHOOK_PAYMENTS).map((invoiceId, i) => paidCheckoutDelivery(invoiceId, i, account, secret));
    const deliveries = [...unique, ...unique.slice(0, Math.round(WEBHOOK_PAYMENTS * DUPLICATE_SHARE))].sort(() => Math.random() - 0.5);
    // Timed from the first request sent to the last answer received (autocannon itself reports per whole second).
    const ingest = async (url: string) => {
      let next = 0;
      let firstSentAt = 0;
      let lastAnsweredAt = 0;
      const result = (await autocannon({
        url,
        connections: 20,
        amount: deliveries.length,
        requests: [
          {
            method: "POST",
            setupRequest: (req) => {
              firstSentAt ||= performance.now();
              const { body, headers } = deliveries[next++ % deliveries.length];
              return { ...req, body, headers };
            },
            onResponse: () => {
              lastAnsweredAt = performance.now();
            },
          },
        ],
      })) as unknown as autocannon.Result;
      const { requestsPerSecond: _perWholeSecond, ...latency } = summary(result);
      return { ...latency, deliveries: deliveries.length, eventsPerSecond: Math.round(deliveries.length / ((lastAnsweredAt - firstSentAt) / 1000)) };
    };
    results.webhookIngestion = await ingest(`${server.url}/webhooks/stripe`);
    console.log("webhook ingestion:", JSON.stringify(results.webhookIngestion));

    // Processing: timed from the last acknowledgement until every event is done (the worker processes
    // while deliveries arrive, giving them the write lock first).
    const lastAcknowledged = Date.now();
    for (;;) {
      const left = await db.webhookEvent.count({ where: { status: { in: ["pending", "processing"] } } });
      if (left === 0 || Date.now() - lastAcknowledged > 300_000) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const doneSeconds = (Date.now() - lastAcknowledged) / 1000;
    const processed = await db.webhookEvent.findMany({ where: { provider: "stripe" }, select: { processedAt: true }, orderBy: { processedAt: "asc" } });
    // The rate once deliveries stopped: what was still to do at the last acknowledgement, over the time it took.
    const afterAcknowledgement = processed.filter((row) => (row.processedAt?.getTime() ?? 0) > lastAcknowledged).length;
    const rate = afterAcknowledgement / doneSeconds;
    const storedEvents = processed.length;
    const { payments, paid: paidInvoices, paidTwice } = await countPaidOnce(db, org.id);
    const notices = await db.outboxEmail.count({ where: { organisationId: org.id, kind: "payment_received" } });
    const floorEventsPerSecond = bareBookkeeping(`${config.DATABASE_URL.slice("file:".length)}.bookkeeping`, WEBHOOK_PAYMENTS);
    results.webhookProcessing = {
      storedEvents,
      payments,
      paidInvoices,
      invoicesPaidTwice: paidTwice,
      merchantNotices: notices,
      exactlyOnce: storedEvents === WEBHOOK_PAYMENTS && payments === WEBHOOK_PAYMENTS && paidInvoices === WEBHOOK_PAYMENTS && paidTwice === 0,
      secondsAfterLastAcknowledgement: Math.round(doneSeconds * 10) / 10,
      eventsLeftAtLastAcknowledgement: afterAcknowledgement,
      eventsProcessedPerSecond: Math.round(rate),
      bareBookkeepingFloorPerSecond: floorEventsPerSecond,
      ratioToFloor: ratio(rate, floorEventsPerSecond),
    };
    console.log("webhook processing:", JSON.stringify(results.webhookProcessing));
    // Floor: a bare node:http server doing the same signature check and one SQLite insert per event.
    const bare = await bareWebhookServer(`${config.DATABASE_URL.slice("file:".length)}.floor`, secret);
    results.webhookIngestionFloor = await ingest(`${bare.url}/webhooks/stripe`);
    await bare.close();
    results.webhookIngestion.eventsRatioToFloor = ratio(
      Number(results.webhookIngestion.eventsPerSecond),
      Number(results.webhookIngestionFloor.eventsPerSecond),
    );
  }

  if (runs("pdf")) {
    // ---- invoice PDF rendering ----
    const invoice = await db.invoice.findUniqueOrThrow({ where: { id: ids[0] }, include: { lines: true, customer: true, organisation: true } });
    const timings: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now();
      await renderInvoicePdf(invoice, partiesOf(invoice), "fr");
      timings.push(performance.now() - t0);
    }
    timings.sort((a, b) => a - b);
    results.pdfRendering = {
      meanMs: Math.round(timings.reduce((a, b) => a + b, 0) / timings.length),
      p50Ms: Math.round(timings[10]),
      maxMs: Math.round(timings[19]),
    };
  }

  if (runs("emails")) {
    // ---- invoice emails rendered and queued (in this process, on its own copy: no contention with the server's workers) ----
    const scratch = await createTestDb();
    const sOrg = await scratch.db.organisation.create({ data: { legalName: "Banc d'essai SAS" } });
    const sCustomer = await scratch.db.customer.create({ data: { organisationId: sOrg.id, name: "Client Banc", email: "client@example.fr" } });
    const EMAILS = 300;
    const emailInvoices = await Promise.all(
      Array.from({ length: EMAILS }, (_, i) =>
        scratch.db.invoice.create({
          data: {
            organisationId: sOrg.id,
            customerId: sCustomer.id,
            status: "open",
            number: `E-${i + 1}`,
            sequence: i + 1,
            currency: "EUR",
            issueDate: now,
            dueDate: now,
            totalMinor: 12000,
            amountDueMinor: 12000,
          },
        }),
      ),
    );
    const emailStart = performance.now();
    for (const invoice of emailInvoices) {
      await sendInvoice(
        { db: scratch.db, encryptionKey: config.ENCRYPTION_KEY, appUrl: config.APP_URL },
        { organisationId: sOrg.id, invoiceId: invoice.id, kind: "invoice", requestKey: randomUUID() },
        new Date(),
      );
    }
    results.emailsQueued = { emails: EMAILS, perSecond: Math.round(EMAILS / ((performance.now() - emailStart) / 1000)) };
    await scratch.cleanup();
  }

  if (runs("list100k")) Object.assign(results, await measureInvoiceList100k(db, config.ENCRYPTION_KEY, load, summary));

  if (runs("soak")) {
    // ---- mixed soak: consultation pages, the invoice list and webhook deliveries together; memory and descriptors at start and end ----
    const seconds = Number(process.env.BENCH_SOAK_SECONDS ?? 600);
    const secret = providerSettings(config).stripe.webhookSecret;
    const soakDeliveries = ids.slice(-3000).map((invoiceId, i) => paidCheckoutDelivery(invoiceId, 100_000 + i, account, secret));
    let d = 0;
    const before = footprints();
    // RSS every 30 s: growth that levels off (the heap reaching its working size) is told apart from a leak.
    const rssSeries: Record<string, number[]> = {};
    const sampler = setInterval(() => {
      for (const [name, f] of Object.entries(footprints())) (rssSeries[name] ??= []).push(f.rssMb);
    }, 30_000);
    await Promise.all([
      load({ url: `/i/${linkToken}`, connections: 10, duration: seconds }),
      load({ url: "/invoices", connections: 2, duration: seconds, headers: { cookie } }),
      load({
        url: "/webhooks/stripe",
        connections: 2,
        duration: seconds,
        requests: [{ method: "POST", setupRequest: (req) => ({ ...req, ...soakDeliveries[d++ % soakDeliveries.length] }) }],
      }),
    ]);
    clearInterval(sampler);
    const after = footprints();
    results.soak = Object.fromEntries(
      Object.entries(after).map(([name, end]) => [
        name,
        `${before[name]?.rssMb} → ${end.rssMb} MB (every 30 s: ${(rssSeries[name] ?? []).join(", ")}), ${before[name]?.fds} → ${end.fds} fds over ${seconds} s`,
      ]),
    );
  }

  if (runs("boot")) {
    // ---- boot to healthy on an existing build (migrations applied, nothing to seed) ----
    await server.stop();
    const t0 = performance.now();
    server = await startServer(server.env);
    results.boot = { secondsToHealthy: Math.round((performance.now() - t0) / 100) / 10 };
  }
  results.processesAtEnd = Object.fromEntries(Object.entries(footprints()).map(([name, f]) => [name, `${f.rssMb} MB, ${f.fds} fds`]));

  console.table(Object.fromEntries(Object.entries(results).map(([k, v]) => [k, v])));
  mkdirSync("bench/results", { recursive: true });
  writeFileSync("bench/results/latest.json", JSON.stringify({ at: new Date().toISOString(), node: process.version, results }, null, 2));
  console.log("written bench/results/latest.json");
  if (results.webhookProcessing && !results.webhookProcessing.exactlyOnce) {
    process.exitCode = 1;
    console.error(
      server.output
        .join("")
        .split("\n")
        .filter((line) => /"level":(40|50|60)/.test(line))
        .slice(-20)
        .join("\n"),
    );
  }
} finally {
  await db.$disconnect();
  await server.stop();
}

/**
 * Invoice list of one organisation with 100,000 invoices (mixed statuses), seeded last so the other measures keep
 * their 10,000: page 1, a deep page, the status filter's first and a deep page, the overdue filter. One connection.
 */
async function measureInvoiceList100k(
  db: Db,
  encryptionKey: string,
  load: (opts: autocannon.Options) => Promise<autocannon.Result>,
  summary: (r: autocannon.Result) => Record<string, number>,
) {
  const seedStart = performance.now();
  const { user, org } = await seedLoadMerchant(db, 100_000, encryptionKey, "acct_load_100k", { statusOf: mixedStatuses, idPrefix: "hinv" });
  const seedSeconds = Math.round((performance.now() - seedStart) / 100) / 10;
  await db.$queryRawUnsafe("PRAGMA wal_checkpoint(TRUNCATE)");
  const sessionToken = randomToken();
  await db.session.create({
    data: { tokenHash: hashToken(sessionToken), userId: user.id, organisationId: org.id, expiresAt: new Date(Date.now() + 86400_000) },
  });
  const headers = { cookie: `sid=${sessionToken}` };
  const measure = async (url: string) => summary(await load({ url, connections: 1, duration: 5, headers }));
  await load({ url: "/invoices", connections: 1, duration: 1, headers }); // warm-up
  return {
    invoiceList100k: { ...(await measure("/invoices")), seedSeconds },
    invoiceList100kDeepPage: await measure(await deepListPage(db, org.id, 90_000)),
    invoiceList100kFiltered: await measure("/invoices?status=open"),
    invoiceList100kFilteredDeepPage: await measure(await deepListPage(db, org.id, 10_000, "open")),
    invoiceList100kOverdue: await measure("/invoices?overdue=1"),
  };
}

/** The list page (its URL with the cursor a "next" link would carry) that starts after the `position`-th invoice, newest first. */
async function deepListPage(db: Db, organisationId: string, position: number, status?: string) {
  const [row] = await db.invoice.findMany({
    where: { organisationId, ...(status ? { status } : {}) },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    skip: position - 1,
    take: 1,
    select: { createdAt: true, id: true },
  });
  return `/invoices?${status ? `status=${status}&` : ""}after=${formatInvoiceCursor(row)}`;
}
