/**
 * Issue 14, credit notes on a real database: gapless numbering under concurrency, the invoice's status and
 * due after a credit note, the customer's balance (credit on the account when the invoice was paid), and
 * rows that are never changed once issued.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { availableCredit } from "~/domain/accounts/credit";
import { recordReceipt, accountMovements, customerBalances } from "~/domain/accounts/receipts";
import { issueCreditNote } from "~/domain/credit-notes/service";
import { createDraft, finaliseInvoice } from "~/domain/invoices/service";
import type { Db } from "~/lib/db.server";
import { createTestDb } from "../helpers/db";

let db: Db;
let cleanup: () => Promise<void>;
let organisationId: string;
let customerId: string;
let userId: string;
const NOW = new Date("2026-11-23T10:00:00Z");

beforeAll(async () => {
  ({ db, cleanup } = await createTestDb());
  organisationId = (await db.organisation.create({ data: { legalName: "Avoirs SARL" } })).id;
  customerId = (await db.customer.create({ data: { organisationId, name: "Client" } })).id;
  userId = (await db.user.create({ data: { email: `cn-${Date.now()}@example.fr`, name: "Marie", passwordHash: "x" } })).id;
  await db.membership.create({ data: { userId, organisationId, role: "owner" } });
});
afterAll(() => cleanup());

/** A finalised invoice: 2 × 150,00 € at 20 % and 1 × 100,00 € at 5,5 % (465,50 €). */
async function invoice() {
  const draft = await createDraft(db, organisationId, {
    customerId,
    currency: "EUR",
    issueDate: new Date("2026-11-01T00:00:00Z"),
    dueDate: new Date("2026-12-01T00:00:00Z"),
    notes: "",
    paymentTerms: "",
    onlinePayment: false,
    allowPartialPayment: false,
    lines: [
      { description: "Conseil", quantityThousandths: 2000, unitPriceMinor: 15000, vatRateBasisPoints: 2000 },
      { description: "Livre", quantityThousandths: 1000, unitPriceMinor: 10000, vatRateBasisPoints: 550 },
    ],
  });
  if (!draft.ok) throw new Error(draft.error);
  const finalised = await finaliseInvoice(db, organisationId, draft.value.id, NOW);
  if (!finalised?.ok) throw new Error("not finalised");
  return db.invoice.findUniqueOrThrow({ where: { id: draft.value.id }, include: { lines: { orderBy: { position: "asc" } } } });
}

const reload = (id: string) => db.invoice.findUniqueOrThrow({ where: { id } });
const balance = async () => (await customerBalances(db, organisationId, [customerId]))[customerId].EUR ?? 0;
const full = (reason = "Erreur") => ({ request: { kind: "full" as const }, reason });

describe("credit note numbering", () => {
  it("gives 30 concurrent requests on 6 invoices consecutive numbers AV2026-n, each once: 24 issued, the 6 that would exceed an invoice refused without a number", async () => {
    const invoices = await Promise.all(Array.from({ length: 6 }, () => invoice()));
    const before = (await db.organisation.findUniqueOrThrow({ where: { id: organisationId } })).lastCreditNoteSequence;
    // Five of 100,00 € on each invoice of 465,50 €, all at once: four fit on each, the fifth is refused and takes no number.
    const results = await Promise.all(
      invoices.flatMap((i) =>
        Array.from({ length: 5 }, () =>
          issueCreditNote(db, organisationId, i.id, userId, { request: { kind: "amount", amountMinor: 10000, description: "Remise" }, reason: "Remise" }, NOW),
        ),
      ),
    );
    const issued = results.filter((r) => r?.ok);
    expect(issued).toHaveLength(24);
    expect(results.filter((r) => r && !r.ok).map((r) => r && !r.ok && r.error)).toEqual(Array(6).fill("creditNotes.errors.aboveRemaining"));
    const notes = await db.creditNote.findMany({ where: { organisationId, sequence: { gt: before } }, orderBy: { sequence: "asc" } });
    expect(notes.map((n) => n.sequence)).toEqual(Array.from({ length: 24 }, (_, i) => before + i + 1));
    expect(new Set(notes.map((n) => n.number)).size).toBe(24);
    expect(notes[0].number).toBe(`AV2026-${before + 1}`);
    expect((await db.organisation.findUniqueOrThrow({ where: { id: organisationId } })).lastCreditNoteSequence).toBe(before + 24);
  });

  it("two full credit notes of the same invoice at once: one is issued, the other refused, no number lost", async () => {
    const i = await invoice();
    const before = (await db.organisation.findUniqueOrThrow({ where: { id: organisationId } })).lastCreditNoteSequence;
    const results = await Promise.all([1, 2].map(() => issueCreditNote(db, organisationId, i.id, userId, full(), NOW)));
    expect(results.filter((r) => r?.ok)).toHaveLength(1);
    expect(results.find((r) => r && !r.ok)).toEqual({ ok: false, error: "creditNotes.errors.nothingLeft" });
    expect((await db.organisation.findUniqueOrThrow({ where: { id: organisationId } })).lastCreditNoteSequence).toBe(before + 1);
  });

  it("follows the organisation's credit note format", async () => {
    await db.organisation.update({ where: { id: organisationId }, data: { creditNoteNumberFormat: "AVOIR-{YY}{MM}-{SEQ:5}" } });
    const i = await invoice();
    const result = await issueCreditNote(db, organisationId, i.id, userId, full(), NOW);
    const sequence = (await db.organisation.findUniqueOrThrow({ where: { id: organisationId } })).lastCreditNoteSequence;
    expect(result).toMatchObject({ ok: true, value: { number: `AVOIR-2611-${String(sequence).padStart(5, "0")}` } });
    await db.organisation.update({ where: { id: organisationId }, data: { creditNoteNumberFormat: "AV{YYYY}-{SEQ}" } });
  });
});

describe("a credit note on the invoice and the account", () => {
  it("unpaid, full: the invoice is cancelled by it (nothing due), the account is back where it was", async () => {
    const start = await balance();
    const i = await invoice();
    expect(await balance()).toBe(start + 46550);
    const result = await issueCreditNote(db, organisationId, i.id, userId, full(), NOW);
    expect(result).toMatchObject({ ok: true, value: { allocatedMinor: 46550, creditMinor: 0 } });
    expect(await reload(i.id)).toMatchObject({ status: "credited", amountCreditedMinor: 46550, amountPaidMinor: 0, amountDueMinor: 0 });
    expect(await balance()).toBe(start);
    const movement = (await accountMovements(db, organisationId, customerId)).find((m) => m.kind === "credit_note" && m.invoiceId === i.id);
    expect(movement).toMatchObject({ amountMinor: -46550, creditNoteNumber: result?.ok ? result.value.number : "", invoiceNumber: i.number });
    // Nothing is left to credit.
    expect(await issueCreditNote(db, organisationId, i.id, userId, full(), NOW)).toEqual({ ok: false, error: "creditNotes.errors.nothingLeft" });
  });

  it("unpaid, some lines: still due for the rest", async () => {
    const i = await invoice();
    const result = await issueCreditNote(
      db,
      organisationId,
      i.id,
      userId,
      { request: { kind: "lines", quantities: [{ invoiceLineId: i.lines[0].id, quantityThousandths: 1000 }] }, reason: "Une journée annulée" },
      NOW,
    );
    expect(result).toMatchObject({ ok: true, value: { allocatedMinor: 18000, creditMinor: 0 } });
    expect(await reload(i.id)).toMatchObject({ status: "open", amountCreditedMinor: 18000, amountDueMinor: 46550 - 18000 });
    const note = await db.creditNote.findFirstOrThrow({ where: { invoiceId: i.id }, include: { lines: true } });
    expect(note).toMatchObject({ kind: "lines", subtotalMinor: 15000, taxMinor: 3000, totalMinor: 18000, reason: "Une journée annulée" });
    expect(note.lines).toMatchObject([{ invoiceLineId: i.lines[0].id, quantityThousandths: 1000, unitPriceMinor: 15000, vatRateBasisPoints: 2000 }]);
  });

  it("paid: the invoice stays paid, the credit note's amount is credit on the account (negative balance)", async () => {
    const start = await balance();
    const creditBefore = (await availableCredit(db, organisationId, customerId)).EUR ?? 0;
    const i = await invoice();
    const paid = await recordReceipt(db, organisationId, customerId, userId, {
      method: "transfer",
      receivedOn: new Date("2026-11-10T00:00:00Z"),
      currency: "EUR",
      amountMinor: 46550,
      reference: i.number!,
      allocations: [{ invoiceId: i.id, amountMinor: 46550, blank: false }],
    });
    expect(paid).toMatchObject({ ok: true });
    expect(await reload(i.id)).toMatchObject({ status: "paid", amountDueMinor: 0 });
    const result = await issueCreditNote(db, organisationId, i.id, userId, full("Prestation non réalisée"), NOW);
    expect(result).toMatchObject({ ok: true, value: { allocatedMinor: 0, creditMinor: 46550 } });
    expect(await reload(i.id)).toMatchObject({ status: "paid", amountDueMinor: 0, amountCreditedMinor: 0 });
    expect(await balance()).toBe(start - 46550);
    expect((await availableCredit(db, organisationId, customerId)).EUR).toBe(creditBefore + 46550);
  });

  it("partly paid: the credit note settles what is due and the rest is credit on the account", async () => {
    const start = await balance();
    const i = await invoice();
    await recordReceipt(db, organisationId, customerId, userId, {
      method: "cheque",
      receivedOn: new Date("2026-11-10T00:00:00Z"),
      currency: "EUR",
      amountMinor: 40000,
      reference: "",
      allocations: [{ invoiceId: i.id, amountMinor: 40000, blank: false }],
    });
    expect(await reload(i.id)).toMatchObject({ status: "partially_paid", amountDueMinor: 6550 });
    const result = await issueCreditNote(
      db,
      organisationId,
      i.id,
      userId,
      { request: { kind: "amount", amountMinor: 10000, description: "Geste" }, reason: "Geste" },
      NOW,
    );
    expect(result).toMatchObject({ ok: true, value: { allocatedMinor: 6550, creditMinor: 3450 } });
    expect(await reload(i.id)).toMatchObject({ status: "paid", amountDueMinor: 0, amountCreditedMinor: 6550, amountPaidMinor: 40000 });
    expect(await balance()).toBe(start - 3450);
  });

  it("refuses a draft and another organisation's invoice", async () => {
    const draft = await createDraft(db, organisationId, {
      customerId,
      currency: "EUR",
      issueDate: new Date("2026-11-01T00:00:00Z"),
      dueDate: new Date("2026-12-01T00:00:00Z"),
      notes: "",
      paymentTerms: "",
      onlinePayment: false,
      allowPartialPayment: false,
      lines: [{ description: "x", quantityThousandths: 1000, unitPriceMinor: 100, vatRateBasisPoints: 0 }],
    });
    if (!draft.ok) throw new Error(draft.error);
    expect(await issueCreditNote(db, organisationId, draft.value.id, userId, full(), NOW)).toEqual({ ok: false, error: "creditNotes.errors.notFinalised" });
    const other = await db.organisation.create({ data: { legalName: "Autre" } });
    const i = await invoice();
    expect(await issueCreditNote(db, other.id, i.id, userId, full(), NOW)).toBeNull();
  });
});

describe("issued means final", () => {
  it("the database refuses to change a credit note, its lines or its allocations", async () => {
    const i = await invoice();
    const result = await issueCreditNote(db, organisationId, i.id, userId, full(), NOW);
    if (!result?.ok) throw new Error("not issued");
    // (Prisma reports SQLite's RAISE(ABORT) under its own words: what matters is that nothing changed.)
    await expect(db.creditNote.update({ where: { id: result.value.id }, data: { totalMinor: 1 } })).rejects.toThrow();
    await expect(db.creditNoteLine.updateMany({ where: { creditNoteId: result.value.id }, data: { totalMinor: 1 } })).rejects.toThrow();
    await expect(db.creditNoteAllocation.updateMany({ where: { creditNoteId: result.value.id }, data: { amountMinor: 1 } })).rejects.toThrow();
    const note = await db.creditNote.findUniqueOrThrow({ where: { id: result.value.id }, include: { lines: true, allocations: true } });
    expect(note.totalMinor).toBe(46550);
    expect(note.lines.every((l) => l.totalMinor !== 1)).toBe(true);
    expect(note.allocations.map((a) => a.amountMinor)).toEqual([46550]);
  });
});
