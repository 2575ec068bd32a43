import { readdirSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import Database from "libsql";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ZenStackClient } from "@zenstackhq/orm";
import { schema } from "~/generated/zenstack/schema";
import { createDb, createRowWriter, type Db, isUniqueViolation, modelRow } from "~/lib/db.server";
import { SqliteFileDialect } from "~/lib/sqlite-file-dialect.server";
import { createTestDb } from "../helpers/db";
import { holdWriteLock } from "../helpers/write-lock";

/** The embedded SQLite file's dialect: one writer and one reader per client, whatever the load. */
let db: Db;
let url: string;
let file: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ db, url, cleanup } = await createTestDb());
  file = url.slice("file:".length);
});
afterAll(async () => {
  await cleanup();
});

const openFileDescriptors = () => readdirSync("/proc/self/fd").length;

/** Runs `write` while a timer ticks every 10 ms; answers how long it took and the longest the timer went without a tick. */
async function whileTicking(write: () => Promise<unknown>) {
  const ticks: number[] = [];
  const started = performance.now();
  const ticker = setInterval(() => ticks.push(performance.now()), 10);
  try {
    await write();
  } finally {
    clearInterval(ticker);
  }
  const ended = performance.now();
  const times = [started, ...ticks, ended];
  const longestGap = Math.max(...times.slice(1).map((time, i) => time - times[i]));
  return { tookMs: ended - started, longestGap, ticks: ticks.length };
}

describe("connections", () => {
  it("keeps the same file descriptors over 2,000 transactions and 2,000 queries", async () => {
    const organisation = await db.organisation.create({ data: { legalName: "Compteur SARL", paymentTermsDays: 0 } });
    const where = { id: organisation.id };
    // Both connections open and used once before counting.
    await db.$transaction(async (tx) => tx.organisation.update({ where, data: { paymentTermsDays: { increment: 1 } } }));
    await db.organisation.findUniqueOrThrow({ where });
    const before = openFileDescriptors();

    for (let round = 0; round < 100; round++) {
      await Promise.all([
        ...Array.from({ length: 20 }, () =>
          db.$transaction(async (tx) => {
            const current = await tx.organisation.findUniqueOrThrow({ where });
            await tx.organisation.update({ where, data: { paymentTermsDays: current.paymentTermsDays + 1 } });
          }),
        ),
        ...Array.from({ length: 20 }, () => db.organisation.findUniqueOrThrow({ where })),
      ]);
    }

    expect(openFileDescriptors() - before).toBeLessThanOrEqual(2);
    // Every read-then-write transaction ran alone: none lost another's increment.
    expect((await db.organisation.findUniqueOrThrow({ where })).paymentTermsDays).toBe(2_001);
  }, 120_000);

  it("prepares each statement once and reuses it", async () => {
    const organisation = await db.organisation.create({ data: { legalName: "Préparée SARL" } });
    await db.organisation.findUniqueOrThrow({ where: { id: organisation.id } });
    const prepare = vi.spyOn(Database.prototype, "prepare");
    try {
      for (let i = 0; i < 50; i++) {
        await db.organisation.findUniqueOrThrow({ where: { id: organisation.id } });
        await db.organisation.update({ where: { id: organisation.id }, data: { paymentTermsDays: i } });
      }
      expect(prepare).not.toHaveBeenCalled();
    } finally {
      prepare.mockRestore();
    }
  });

  it("opens no connection of its own for the row writer", async () => {
    const writeRows = createRowWriter(db);
    await writeRows(`UPDATE "Organisation" SET "country" = ? WHERE "legalName" = ?`, [["BE", "Préparée SARL"]]);
    const before = openFileDescriptors();
    for (let i = 0; i < 200; i++) await writeRows(`UPDATE "Organisation" SET "country" = ? WHERE "legalName" = ?`, [["FR", "Préparée SARL"]]);
    expect(openFileDescriptors()).toBe(before);
  });
});

class RolledBack extends Error {
  constructor(readonly seen: unknown) {
    super("rolled back on purpose");
  }
}

describe("one writer shared by concurrent callers", () => {
  it("an interactive transaction neither sees nor takes with it a concurrent caller's write, which lands after it", async () => {
    const organisation = await db.organisation.create({ data: { legalName: "Isolée SARL", city: "Nantes" } });
    const where = { id: organisation.id };
    let inside!: () => void;
    const isInside = new Promise<void>((resolve) => (inside = resolve));
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));

    const transaction = db.$transaction(async (tx) => {
      await tx.organisation.update({ where, data: { city: "Dans la transaction" } });
      inside();
      await finished;
      throw new RolledBack(await tx.organisation.findUniqueOrThrow({ where }));
    });
    await isInside;
    let written = false;
    const concurrent = db.organisation.update({ where, data: { legalName: "Écrite à côté SAS" } }).then(() => (written = true));
    // A read outside the transaction does not wait for it, and sees only what is committed.
    expect(await db.organisation.findUniqueOrThrow({ where })).toMatchObject({ legalName: "Isolée SARL", city: "Nantes" });
    await sleep(100);
    expect(written).toBe(false);
    finish();

    const error = await transaction.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RolledBack);
    expect((error as RolledBack).seen).toMatchObject({ legalName: "Isolée SARL", city: "Dans la transaction" });
    await concurrent;
    expect(await db.organisation.findUniqueOrThrow({ where })).toMatchObject({ legalName: "Écrite à côté SAS", city: "Nantes" });
  });
});

describe("another process holding the write lock", () => {
  const kinds: [string, (id: string) => Promise<unknown>][] = [
    ["a single write", (id) => db.organisation.update({ where: { id }, data: { legalName: "Attendue SAS" } })],
    [
      "an interactive transaction",
      (id) =>
        db.$transaction(async (tx) => {
          const current = await tx.organisation.findUniqueOrThrow({ where: { id } });
          await tx.organisation.update({ where: { id }, data: { legalName: "Attendue SAS", paymentTermsDays: current.paymentTermsDays + 1 } });
        }),
    ],
    ["the row writer", (id) => createRowWriter(db)(`UPDATE "Organisation" SET "legalName" = ? WHERE "id" = ?`, [["Attendue SAS", id]])],
  ];

  it.each(kinds)("delays %s without failing it, and the event loop keeps turning meanwhile", async (_kind, write) => {
    const organisation = await db.organisation.create({ data: { legalName: "Attente SARL" } });
    const { released } = await holdWriteLock(file, 300);
    const { tookMs, longestGap, ticks } = await whileTicking(() => write(organisation.id));
    await released;
    expect(tookMs).toBeGreaterThan(200); // it did wait for the lock
    expect(ticks).toBeGreaterThanOrEqual(5);
    expect(longestGap).toBeLessThan(150); // a blocking wait would stop the timer for the whole 300 ms
    // Written after the other process committed, on top of its change.
    expect(await db.organisation.findUniqueOrThrow({ where: { id: organisation.id } })).toMatchObject({ legalName: "Attendue SAS", city: "Lyon" });
  });

  it("gives up after the configured wait with a clear error, and the writer stays usable", async () => {
    const impatient = new ZenStackClient(schema, { dialect: new SqliteFileDialect(url, { lockWaitMs: 200 }), validateInput: false });
    try {
      const organisation = await impatient.organisation.create({ data: { legalName: "Pressée SARL" } });
      const { released } = await holdWriteLock(file, 1_000);
      const started = Date.now();
      const error = await impatient.organisation.update({ where: { id: organisation.id }, data: { city: "Brest" } }).catch((e: unknown) => e);
      expect(Date.now() - started).toBeGreaterThanOrEqual(200);
      expect(Date.now() - started).toBeLessThan(1_000);
      expect(String((error as Error).cause ?? error)).toContain("write lock");
      await released;
      await impatient.organisation.update({ where: { id: organisation.id }, data: { city: "Brest" } });
      expect(await db.organisation.findUniqueOrThrow({ where: { id: organisation.id } })).toMatchObject({ city: "Brest" });
    } finally {
      await impatient.$disconnect();
    }
  });
});

describe("errors", () => {
  it("a unique violation is recognised, outside and inside a transaction, and leaves the writer usable", async () => {
    await db.user.create({ data: { email: "double@example.com", name: "Première" } });
    const outside = await db.user.create({ data: { email: "double@example.com", name: "Seconde" } }).catch((e: unknown) => e);
    expect(isUniqueViolation(outside)).toBe(true);

    const inside = await db
      .$transaction(async (tx) => {
        await tx.user.create({ data: { email: "unique@example.com", name: "Dans la transaction" } });
        await tx.user.create({ data: { email: "double@example.com", name: "Troisième" } });
      })
      .catch((e: unknown) => e);
    expect(isUniqueViolation(inside)).toBe(true);
    // Rolled back as a whole, and the next writes go through.
    expect(await db.user.count({ where: { email: "unique@example.com" } })).toBe(0);
    await db.$transaction(async (tx) => tx.user.create({ data: { email: "unique@example.com", name: "Après" } }));
    expect(await db.user.count({ where: { email: { in: ["double@example.com", "unique@example.com"] } } })).toBe(2);
  });

  it("a missing table or an argument SQLite cannot take is an error, not a crash", async () => {
    await expect(db.$queryRawUnsafe(`SELECT * FROM "Nowhere"`)).rejects.toThrow(/no such table/);
    // The native binding would abort the process on these: they are refused before reaching it.
    for (const value of [{ not: "a value" }, ["a", "list"], undefined]) {
      await expect(db.$executeRawUnsafe(`UPDATE "User" SET "name" = ? WHERE "id" = 'none'`, value)).rejects.toThrow(/SQLite cannot store/);
    }
    expect(await db.$executeRawUnsafe(`UPDATE "User" SET "name" = ? WHERE "id" = 'none'`, "ok")).toBe(0);
    expect(await db.user.count()).toBeGreaterThan(0);
  });
});

describe("createDb", () => {
  it("fails a query, not the process, when the file cannot be opened", async () => {
    const nowhere = createDb("file:/nonexistent-dir/for/sure/app.db");
    await expect(nowhere.$queryRaw`SELECT 1`).rejects.toThrow();
    await nowhere.$disconnect();
  });
});

describe("reads with the query builder ($qb)", () => {
  it("answer the same values as the query API once modelRow has typed them, dates and booleans included", async () => {
    const org = await db.organisation.create({ data: { legalName: "Builder SAS", onlinePaymentDefault: true, vatOnDebits: false } });
    const raw = await db.$qb.selectFrom("Organisation").selectAll().where("id", "=", org.id).executeTakeFirstOrThrow();
    // What SQLite hands back: text for dates, 0 and 1 for booleans.
    expect(typeof raw.createdAt).toBe("string");
    expect(raw.onlinePaymentDefault as unknown).toBe(1);
    expect(modelRow("Organisation", raw)).toEqual(await db.organisation.findUniqueOrThrow({ where: { id: org.id } }));
    // Some columns only: those are typed, the others are left out.
    const some = modelRow(
      "Organisation",
      await db.$qb.selectFrom("Organisation").select(["id", "updatedAt", "vatOnDebits"]).where("id", "=", org.id).executeTakeFirstOrThrow(),
    );
    expect(some).toEqual({ id: org.id, updatedAt: org.updatedAt, vatOnDebits: false });
  });

  it("read inside a transaction see its own writes, and nobody else does before it commits", async () => {
    const org = await db.organisation.create({ data: { legalName: "Avant" } });
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let seenInside = "";
    const transaction = db.$transaction(async (tx) => {
      await tx.organisation.update({ where: { id: org.id }, data: { legalName: "Après" } });
      seenInside = (await tx.$qb.selectFrom("Organisation").select("legalName").where("id", "=", org.id).executeTakeFirstOrThrow()).legalName;
      await held;
    });
    await sleep(20);
    const seenOutside = (await db.$qb.selectFrom("Organisation").select("legalName").where("id", "=", org.id).executeTakeFirstOrThrow()).legalName;
    release();
    await transaction;
    expect({ seenInside, seenOutside }).toEqual({ seenInside: "Après", seenOutside: "Avant" });
  });
});
