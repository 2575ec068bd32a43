import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { enqueueEmail } from "~/domain/outbox";
import { PermanentError, type QueueSpec, runDue } from "~/domain/queue";
import type { Db } from "~/lib/db.server";
import { createLogger } from "~/lib/logger.server";
import { createTestDb } from "../helpers/db";

let db: Db;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ db, cleanup } = await createTestDb());
});
afterAll(() => cleanup());
beforeEach(() => db.outboxEmail.deleteMany());

const log = createLogger("silent");
const spec: QueueSpec = { name: "test", workingStatus: "sending", maxAttempts: 3, backoffMs: () => 60_000 };
const queue = (n: number) =>
  Promise.all(
    Array.from({ length: n }, (_, i) =>
      enqueueEmail(db, { kind: "t", to: "a@example.fr", subject: `s${i}`, html: "", text: "", idempotencyKey: `q/${Date.now()}/${i}` }),
    ),
  );
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("the shared queue", () => {
  it("hands each row to exactly one of several workers running at once", async () => {
    await queue(40);
    const seen: string[] = [];
    const worker = () =>
      runDue(
        db.outboxEmail,
        spec,
        async (row) => {
          seen.push(row.id);
          await sleep(1);
          return { status: "sent" };
        },
        { now: () => new Date(), log, limit: 15 },
      );
    let total = 0;
    for (let pass = 0; pass < 5; pass++) total += (await Promise.all([worker(), worker(), worker()])).reduce((a, b) => a + b, 0);
    expect(total).toBe(40);
    expect(new Set(seen).size).toBe(40);
    expect(seen).toHaveLength(40);
    expect(await db.outboxEmail.count({ where: { status: "sent" } })).toBe(40);
  });

  it("gives up at once on a permanent error, and retries a passing one later", async () => {
    const [permanent, passing] = await queue(2);
    await runDue(
      db.outboxEmail,
      spec,
      async (row) => {
        throw row.id === permanent.id ? new PermanentError("currency does not match") : new Error("provider down");
      },
      { now: () => new Date(), log },
    );
    expect(await db.outboxEmail.findUniqueOrThrow({ where: { id: permanent.id } })).toMatchObject({ status: "rejected", attempts: 1 });
    expect(await db.outboxEmail.findUniqueOrThrow({ where: { id: passing.id } })).toMatchObject({ status: "pending", attempts: 1, lastError: "provider down" });
  });

  it("keeps a long piece of work to its worker by renewing the lease, and gives it to another once that worker is gone", async () => {
    const [row] = await queue(1);
    const short = { ...spec, leaseMs: 300 };
    const slow = runDue(
      db.outboxEmail,
      short,
      async () => {
        await sleep(800);
        return { status: "sent" };
      },
      { now: () => new Date(), log },
    );
    await sleep(500); // past the first lease: renewed meanwhile
    const other = await runDue(db.outboxEmail, short, async () => ({ status: "sent" }), { now: () => new Date(), log });
    expect(other).toBe(0);
    expect(await slow).toBe(1);

    // A worker that died: its claim runs out and the row is taken up again.
    await db.outboxEmail.update({ where: { id: row.id }, data: { status: "sending", attempts: 1, nextAttemptAt: new Date(Date.now() + 300) } });
    expect(await runDue(db.outboxEmail, short, async () => ({ status: "sent" }), { now: () => new Date(), log })).toBe(0);
    expect(await runDue(db.outboxEmail, short, async () => ({ status: "sent" }), { now: () => new Date(Date.now() + 400), log })).toBe(1);
  });
});
