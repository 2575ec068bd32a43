/**
 * Payment processing in one process, without HTTP: N signed checkout deliveries stored, then processed as
 * the worker does; prints the cost per event and, unless PLAIN=1, the time spent in each kind of query.
 * `N=1500 npx tsx bench/probe-processing.ts` (decision 0012). The figures that count are `npm run bench`'s.
 */
import { completeConfig, parseEnv } from "~/lib/config.server";
import { createRowWriter } from "~/lib/db.server";
import { processDueEvents, storeDeliveries } from "~/domain/webhooks";
import { createProviders } from "../integrations";
import { createTestDb } from "../test/helpers/db";
import { seedLoadMerchant, paidCheckoutDelivery } from "../test/helpers/load-seed";
import type { StripeProvider } from "../integrations/stripe";
import { providerSettings } from "../integrations/settings";
import pino from "pino";

const N = Number(process.env.N ?? 1000);
const { db: base } = await createTestDb();
const stats = new Map<string, { n: number; ms: number }>();
const db = process.env.PLAIN
  ? base
  : (base.$use({
      id: "timing",
      onQuery: async ({
        model,
        operation,
        args,
        proceed,
      }: {
        model: string;
        operation: string;
        args: Record<string, unknown> | undefined;
        proceed: (a: unknown) => Promise<unknown>;
      }) => {
        const t0 = performance.now();
        try {
          return await proceed(args);
        } finally {
          const key = `${model}.${operation}`;
          const s = stats.get(key) ?? { n: 0, ms: 0 };
          s.n++;
          s.ms += performance.now() - t0;
          stats.set(key, s);
        }
      },
    } as never) as unknown as typeof base);
const config = completeConfig(
  parseEnv({ ...process.env, DATABASE_URL: "file:/tmp/unused.db", SESSION_SECRET: "s".repeat(40), ENCRYPTION_KEY: "a".repeat(64) }),
  () => {
    throw new Error("x");
  },
);
const providers = createProviders(config);
const { org, account, ids } = await seedLoadMerchant(db, N, config.ENCRYPTION_KEY);
const secret = providerSettings(config).stripe.webhookSecret;
const stripe = providers.get("stripe") as StripeProvider;
const deliveries = ids.map((id, i) => {
  const d = paidCheckoutDelivery(id, i, account, secret);
  const parsed = stripe.parseWebhook(d.body, new Headers(d.headers));
  if (!parsed.ok) throw new Error(parsed.reason);
  return { provider: "stripe" as const, events: parsed.events };
});
await storeDeliveries(createRowWriter(db), deliveries, new Date());
const log = pino({ level: "warn" });
const t0 = performance.now();
let done = 0;
for (;;) {
  const n = await processDueEvents({ db, providers, encryptionKey: config.ENCRYPTION_KEY, appUrl: "http://x", log }, () => new Date(), 50);
  if (!n) break;
  done += n;
}
const ms = performance.now() - t0;
console.log({
  done,
  ms: Math.round(ms),
  perEventMs: (ms / done).toFixed(2),
  eventsPerSecond: Math.round(done / (ms / 1000)),
  rejected: await db.webhookEvent.count({ where: { status: "rejected" } }),
  paid: await db.invoice.count({ where: { organisationId: org.id, status: "paid" } }),
});

console.log(
  [...stats]
    .sort((a, b) => b[1].ms - a[1].ms)
    .map(([k, v]) => `${k.padEnd(40)} n=${v.n} total=${v.ms.toFixed(0)}ms avg=${((v.ms / v.n) * 1000).toFixed(0)}µs`)
    .join("\n"),
);
