import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatInvoiceNumber, isValidNumberFormat } from "~/domain/invoices/numbering";
import { createDraft, finaliseInvoice } from "~/domain/invoices/service";
import type { Db } from "~/lib/db.server";
import { createTestDb } from "../helpers/db";

describe("number formats", () => {
  it("fills the tokens", () => {
    const date = new Date("2026-03-05T00:00:00Z");
    expect(formatInvoiceNumber("F{YYYY}-{SEQ:4}", 7, date)).toBe("F2026-0007");
    expect(formatInvoiceNumber("{YY}{MM}/{SEQ}", 123, date)).toBe("2603/123");
    expect(formatInvoiceNumber("INV-{SEQ:3}", 12345, date)).toBe("INV-12345");
  });

  it("requires exactly one sequence and safe characters", () => {
    expect(isValidNumberFormat("F{YYYY}-{SEQ:4}")).toBe(true);
    expect(isValidNumberFormat("F{YYYY}")).toBe(false);
    expect(isValidNumberFormat("{SEQ}{SEQ}")).toBe(false);
    expect(isValidNumberFormat("F <b>{SEQ}")).toBe(false);
  });
});

describe("gapless numbering on a real database", () => {
  let db: Db;
  let cleanup: () => Promise<void>;
  let organisationId: string;
  let customerId: string;

  beforeAll(async () => {
    ({ db, cleanup } = await createTestDb());
    const organisation = await db.organisation.create({ data: { legalName: "Numérotation SAS" } });
    organisationId = organisation.id;
    customerId = (await db.customer.create({ data: { organisationId, name: "Client" } })).id;
  });
  afterAll(() => cleanup());

  const draft = async (issueDate = new Date("2026-11-01T00:00:00Z")) => {
    const result = await createDraft(db, organisationId, {
      customerId,
      currency: "EUR",
      issueDate,
      dueDate: new Date("2026-12-01T00:00:00Z"),
      notes: "",
      paymentTerms: "",
      onlinePayment: false,
      allowPartialPayment: false,
      lines: [{ description: "Ligne", quantityThousandths: 1000, unitPriceMinor: 1000, vatRateBasisPoints: 2000 }],
    });
    if (!result.ok) throw new Error(result.error);
    return result.value.id;
  };

  it("gives 40 concurrent finalisations the numbers 1 to 40, each once", async () => {
    const ids = await Promise.all(Array.from({ length: 40 }, () => draft()));
    const results = await Promise.all(ids.map((id) => finaliseInvoice(db, organisationId, id, new Date())));
    expect(results.every((r) => r?.ok)).toBe(true);
    const invoices = await db.invoice.findMany({ where: { organisationId }, orderBy: { sequence: "asc" } });
    expect(invoices.map((i) => i.sequence)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(new Set(invoices.map((i) => i.number)).size).toBe(40);
    expect(invoices[0].number).toBe("F2026-0001");
    expect(invoices.every((i) => i.status === "open" && i.amountDueMinor === 1200)).toBe(true);
  });

  it("finalises one invoice once when asked five times at the same moment, using one number", async () => {
    const id = await draft();
    const before = (await db.organisation.findUniqueOrThrow({ where: { id: organisationId } })).lastInvoiceSequence;
    const results = await Promise.all(Array.from({ length: 5 }, () => finaliseInvoice(db, organisationId, id, new Date())));
    expect(results.filter((r) => r?.ok)).toHaveLength(1);
    expect(results.filter((r) => r && !r.ok).map((r) => r && !r.ok && r.error)).toEqual(Array(4).fill("invoices.errors.notDraft"));
    const after = (await db.organisation.findUniqueOrThrow({ where: { id: organisationId } })).lastInvoiceSequence;
    expect(after).toBe(before + 1);
  });

  it("refuses an issue date earlier than the last finalised invoice, without consuming a number", async () => {
    const before = (await db.organisation.findUniqueOrThrow({ where: { id: organisationId } })).lastInvoiceSequence;
    const id = await draft(new Date("2026-01-01T00:00:00Z"));
    const result = await finaliseInvoice(db, organisationId, id, new Date());
    expect(result).toMatchObject({ ok: false, error: "invoices.errors.issueDateBeforeLast" });
    expect((await db.organisation.findUniqueOrThrow({ where: { id: organisationId } })).lastInvoiceSequence).toBe(before);
    expect((await db.invoice.findUniqueOrThrow({ where: { id } })).status).toBe("draft");
  });

  it("does not finalise another organisation's invoice", async () => {
    const other = await db.organisation.create({ data: { legalName: "Autre" } });
    const id = await draft();
    expect(await finaliseInvoice(db, other.id, id, new Date())).toBeNull();
    expect((await db.invoice.findUniqueOrThrow({ where: { id } })).status).toBe("draft");
  });
});
