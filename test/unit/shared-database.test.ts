import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEventInbox } from "~/domain/webhooks";
import { createDb, createRowWriter, type Db } from "~/lib/db.server";
import type { ProviderEvent } from "../../integrations/types";
import { createTestDb } from "../helpers/db";
import { holdWriteLock } from "../helpers/write-lock";

/** Web and worker processes each have their own connection to one SQLite file. */
let db: Db;
let other: Db;
let url: string;
let file: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ db, url, cleanup } = await createTestDb());
  file = url.slice("file:".length);
  other = createDb(url);
});
afterAll(async () => {
  await other.$disconnect();
  await cleanup();
});

const event = (id: string): ProviderEvent => ({
  id,
  type: "checkout.session.completed",
  accountId: "acct_1",
  livemode: false,
  createdAt: new Date().toISOString(),
  event: { kind: "ignored" } as never,
});

describe("connections writing to the same file", () => {
  it("a write waits for another connection's transaction instead of failing", async () => {
    const organisation = await db.organisation.create({ data: { legalName: "Verrou SARL" } });
    const { released } = await holdWriteLock(file, 300);
    const started = Date.now();
    await db.organisation.update({ where: { id: organisation.id }, data: { legalName: "Verrou SAS" } });
    expect(Date.now() - started).toBeGreaterThan(200);
    await released;
    expect(await db.organisation.findUniqueOrThrow({ where: { id: organisation.id } })).toMatchObject({ city: "Lyon", legalName: "Verrou SAS" });
  });

  it("a read-then-write transaction waits for the lock at its start, so another connection's commit cannot fail it", async () => {
    const organisation = await db.organisation.create({ data: { legalName: "Lecture SARL" } });
    const { released } = await holdWriteLock(file, 200);
    // Begun while the other connection writes: a deferred transaction would read, then fail at its write.
    await db.$transaction(async (tx) => {
      const current = await tx.organisation.findUniqueOrThrow({ where: { id: organisation.id } });
      await tx.organisation.update({ where: { id: organisation.id }, data: { paymentTermsDays: current.paymentTermsDays + 1 } });
    });
    await released;
    expect(await db.organisation.findUniqueOrThrow({ where: { id: organisation.id } })).toMatchObject({ paymentTermsDays: 31, city: "Lyon" });
  });

  it("the webhook writer waits for the lock without blocking its thread, then stores the rows", async () => {
    const writeRows = createRowWriter(db);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const holder = other.$transaction(async (tx) => {
      await tx.organisation.create({ data: { legalName: "Bloqueur SA" } });
      locked();
      await held;
    });
    await isLocked;
    const inbox = createEventInbox(writeRows);
    const storing = inbox.store({ provider: "stripe", events: [event("evt_wait")] });
    // The thread stays free while the writer waits: this timer runs, and it is what lets the holder finish.
    setTimeout(release, 200);
    expect(await storing).toEqual({ stored: 1, duplicates: 0 });
    await holder;
    expect(await db.webhookEvent.count({ where: { eventId: "evt_wait" } })).toBe(1);
  });
});

describe("the webhook inbox", () => {
  it("stores each event once across concurrent deliveries written together, and tells each delivery what was new", async () => {
    const inbox = createEventInbox(createRowWriter(db), 7);
    const deliveries = [
      ["evt_a", "evt_b"],
      ["evt_a"],
      ["evt_c"],
      ["evt_b", "evt_c", "evt_d"],
      ["evt_d"],
      ["evt_e", "evt_e"],
      ...Array.from({ length: 20 }, (_, i) => [`evt_many_${i % 10}`]),
    ];
    const results = await Promise.all(deliveries.map((ids) => inbox.store({ provider: "stripe", events: ids.map(event) })));
    expect(results.slice(0, 6)).toEqual([
      { stored: 2, duplicates: 0 },
      { stored: 0, duplicates: 1 },
      { stored: 1, duplicates: 0 },
      { stored: 1, duplicates: 2 },
      { stored: 0, duplicates: 1 },
      { stored: 1, duplicates: 1 },
    ]);
    expect(results.slice(6).reduce((sum, r) => sum + r.stored, 0)).toBe(10);
    expect(await db.webhookEvent.count({ where: { eventId: { in: deliveries.flat() } } })).toBe(5 + 10);
    // The same event id from another provider is another event.
    expect(await inbox.store({ provider: "gocardless", events: [event("evt_a")] })).toEqual({ stored: 1, duplicates: 0 });
  });
});
