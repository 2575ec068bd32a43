import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "~/lib/db.server";
import { createTestDb } from "../helpers/db";

/**
 * Kept consultation pages are served while the content version has not moved; the version is moved by
 * triggers. A table added later is covered unless it is named here as never shown to a visitor.
 */
const NEVER_ON_A_PAGE = [
  "InvoiceStatusCount",
  "Session",
  "RateLimit",
  "OAuthState",
  "WebhookEvent",
  "OutboxEmail",
  "MailboxMessage",
  "Notification",
  "ScheduledRun",
  "ContentVersion",
  "SignupRequest",
  // The customer space's logins, sessions and reset links (issue 14): never on a kept consultation page.
  "CustomerAccess",
  "CustomerSession",
  "CustomerPasswordReset",
  // A mandate's verification codes (their HMACs): never shown, only checked.
  "MandateCode",
  // The books (issue 16): the merchant's accounting, never on a customer's page.
  "AccountingSettings",
  "CustomerLedgerAccount",
  "AccountingCounter",
  "JournalEntry",
  "JournalLine",
  "CashReceiptLine",
];

let db: Db;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ db, cleanup } = await createTestDb());
});
afterAll(() => cleanup());

const version = async () => (await db.contentVersion.findUniqueOrThrow({ where: { id: 1 } })).version;

describe("the content version", () => {
  it("is moved by inserts, updates and deletes on every table but those never shown", async () => {
    const tables = await db.$queryRawUnsafe<{ name: string }[]>(
      `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite%' ORDER BY name`,
    );
    const triggers = new Set((await db.$queryRawUnsafe<{ name: string }[]>(`SELECT name FROM sqlite_master WHERE type = 'trigger'`)).map((t) => t.name));
    const uncovered = tables
      .map((t) => t.name)
      .filter((name) => !NEVER_ON_A_PAGE.includes(name))
      .filter((name) => ["insert", "update", "delete"].some((op) => !triggers.has(`${name}_content_version_${op}`)));
    expect(uncovered).toEqual([]);
  });

  it("moves once per write to a shown table and not for a session", async () => {
    const before = await version();
    const org = await db.organisation.create({ data: { legalName: "Version SARL" } });
    await db.organisation.update({ where: { id: org.id }, data: { legalName: "Version SAS" } });
    expect(await version()).toBe(before + 2);
    const user = await db.user.create({ data: { email: `v-${Date.now()}@example.fr`, name: "V", passwordHash: "x" } });
    const afterUser = await version();
    await db.session.create({ data: { tokenHash: `t-${Date.now()}`, userId: user.id, expiresAt: new Date(Date.now() + 1000) } });
    expect(await version()).toBe(afterUser);
  });
});
