import { afterAll, describe, expect, it } from "vitest";
import { completeConfig, parseEnv } from "~/lib/config.server";
import { createDb, type Db } from "~/lib/db.server";
import { providerSettings } from "../../integrations/settings";
import { countPaidOnce, paidCheckoutDelivery, seedLoadMerchant } from "../helpers/load-seed";
import { freePort, migrate, type RunningProcess, startServer, startWeb, startWorker, testEnvironment } from "./server";

const EVENTS = 300;
const running: RunningProcess[] = [];
afterAll(() => Promise.all(running.map((p) => p.stop("SIGKILL"))));

async function loadFor(env: Record<string, string>) {
  const config = completeConfig(parseEnv(env), () => {
    throw new Error("secrets are set");
  });
  const db = createDb(config.DATABASE_URL);
  const { org, account, ids } = await seedLoadMerchant(db, EVENTS, config.ENCRYPTION_KEY);
  const secret = providerSettings(config).stripe.webhookSecret;
  return { db, org, deliveries: ids.map((id, n) => paidCheckoutDelivery(id, n, account, secret)) };
}

const post = (url: string, { body, headers }: { body: string; headers: Record<string, string> }) =>
  fetch(`${url}/webhooks/stripe`, { method: "POST", body, headers });

async function settled(db: Db) {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline && (await db.webhookEvent.count({ where: { status: { in: ["pending", "processing"] } } })) > 0) {
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

describe("faults", () => {
  it("the whole app killed (kill -9) in the middle of webhook processing loses nothing and doubles nothing once restarted", async () => {
    let server = await startServer();
    running.push(server);
    const { db, org, deliveries } = await loadFor(server.env);

    // Every delivery is acknowledged (stored) before the kill; processing is still under way.
    for (let i = 0; i < deliveries.length; i += 20) {
      const answers = await Promise.all(deliveries.slice(i, i + 20).map((d) => post(server.url, d)));
      expect(await Promise.all(answers.filter((a) => a.status !== 204).map(async (a) => `${a.status} ${await a.text()}`))).toEqual([]);
    }
    await server.stop("SIGKILL");
    const before = await countPaidOnce(db, org.id);
    expect(before.payments).toBeLessThan(EVENTS); // really interrupted mid-way

    // Restart on the same database; providers retry what they sent (duplicates), the app takes up the rest.
    server = await startServer(server.env);
    running.push(server);
    await Promise.all(deliveries.slice(0, 50).map((d) => post(server.url, d)));
    await settled(db);
    expect(await countPaidOnce(db, org.id)).toEqual({ payments: EVENTS, paid: EVENTS, paidTwice: 0 });
    expect(await db.webhookEvent.count()).toBe(EVENTS);
    await db.$disconnect();
  });

  it("two web and two worker processes on one SQLite file: one of each killed mid-way, every payment recorded once", async () => {
    const env = await testEnvironment();
    migrate(env);
    const [portA, portB] = [await freePort(), await freePort()];
    const webs = [await startWeb(env, portA), await startWeb(env, portB)];
    const workers = [startWorker(env), startWorker(env)];
    running.push(...webs, ...workers);
    const { db, org, deliveries } = await loadFor(env);

    // Deliveries spread over both web processes, duplicates included; both workers process at once.
    for (let i = 0; i < deliveries.length; i += 20) {
      const answers = await Promise.all(deliveries.slice(i, i + 20).map((d, k) => post(webs[k % 2].url, d)));
      expect(await Promise.all(answers.filter((a) => a.status !== 204).map(async (a) => `${a.status} ${await a.text()}`))).toEqual([]);
    }
    await Promise.all([webs[0].stop("SIGKILL"), workers[0].stop("SIGKILL")]);
    expect((await countPaidOnce(db, org.id)).payments).toBeLessThan(EVENTS);

    // The survivors go on; the killed ones come back; providers retry some deliveries on both.
    const web = await startWeb(env, portA);
    const worker = startWorker(env);
    running.push(web, worker);
    await Promise.all(deliveries.slice(0, 60).map((d, k) => post([web, webs[1]][k % 2].url, d)));
    await settled(db);
    expect(await countPaidOnce(db, org.id)).toEqual({ payments: EVENTS, paid: EVENTS, paidTwice: 0 });
    expect(await db.webhookEvent.count()).toBe(EVENTS);
    await db.$disconnect();
  });
});
