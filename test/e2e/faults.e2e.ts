import { afterAll, describe, expect, it } from "vitest";
import { completeConfig, parseEnv } from "~/lib/config.server";
import { createDb } from "~/lib/db.server";
import { providerSettings } from "../../integrations/settings";
import { countPaidOnce, paidCheckoutDelivery, seedLoadMerchant } from "../helpers/load-seed";
import { startServer } from "./server";

const EVENTS = 300;
let server: Awaited<ReturnType<typeof startServer>> | undefined;
afterAll(() => server?.stop());

describe("faults", () => {
  it("a server killed in the middle of webhook processing loses nothing and doubles nothing once restarted", async () => {
    server = await startServer();
    const env = server.env;
    const config = completeConfig(parseEnv(env), () => {
      throw new Error("secrets are set");
    });
    const db = createDb(config.DATABASE_URL);
    const { org, account, ids } = await seedLoadMerchant(db, EVENTS, config.ENCRYPTION_KEY);
    const secret = providerSettings(config).stripe.webhookSecret;

    // Every delivery is acknowledged (stored) before the kill; processing is still under way.
    const deliveries = ids.map((id, n) => paidCheckoutDelivery(id, n, account, secret));
    for (let i = 0; i < deliveries.length; i += 20) {
      const answers = await Promise.all(
        deliveries.slice(i, i + 20).map(({ body, headers }) => fetch(`${server!.url}/webhooks/stripe`, { method: "POST", body, headers })),
      );
      expect(answers.every((a) => a.status === 204)).toBe(true);
    }
    server.process.kill("SIGKILL");
    await new Promise((resolve) => server!.process.once("exit", resolve));
    const before = await countPaidOnce(db, org.id);
    expect(before.payments).toBeLessThan(EVENTS); // really interrupted mid-way

    // Restart on the same database; providers retry what they sent (duplicates), the app takes up the rest.
    server = await startServer({
      PORT: new URL(env.APP_URL).port,
      APP_URL: env.APP_URL,
      DATABASE_URL: env.DATABASE_URL,
      SESSION_SECRET: env.SESSION_SECRET,
      ENCRYPTION_KEY: env.ENCRYPTION_KEY,
    });
    await Promise.all(deliveries.slice(0, 50).map(({ body, headers }) => fetch(`${server!.url}/webhooks/stripe`, { method: "POST", body, headers })));
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline && (await db.webhookEvent.count({ where: { status: { in: ["pending", "processing"] } } })) > 0) {
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(await countPaidOnce(db, org.id)).toEqual({ payments: EVENTS, paid: EVENTS, paidTwice: 0 });
    expect(await db.webhookEvent.count()).toBe(EVENTS);
    await db.$disconnect();
  });
});
