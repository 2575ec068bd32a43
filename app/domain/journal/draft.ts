/**
 * The draft cash-receipts journal ("brouillard d'encaissement", issue 16; docs/decisions/0018).
 *
 * Lines are inserted by a reconciliation keyed by source, not by the payment paths themselves: each source
 * (a provider payment, a refund or lost dispute, a recorded payment or its reversal) has the amount it
 * should weigh in the journal now, and the lines already there add up to what it weighed so far. A
 * difference is a new line keyed `<source>:<n>` (n = the lines the source has), so a replayed webhook, a
 * second run or two runs at once insert it once (the unique key refuses the second). A source that goes
 * back (a debit failed or charged back after it was confirmed) gets a counter-line; nothing is edited.
 * Lines of imported files and own-ICS debits collected from a bank file are recorded payments too (their
 * origin says where they came from).
 */
import type { Db } from "~/lib/db.server";
import { isUniqueViolation } from "~/lib/db.server";
import { isLocale, translator } from "~/i18n";
import { asReceiptMethod, type LineOrigin } from "./kinds";
import { customerAuxNumber, getAccountingSettings } from "./settings";

export const LINE_SOURCE_TYPES = ["payment", "refund", "dispute", "receipt", "receipt_reversal", "import"] as const;

/** A line of the draft journal about to be inserted (imports will build these too). */
export interface NewDraftLine {
  organisationId: string;
  sourceKey: string;
  origin: LineOrigin;
  sourceType: (typeof LINE_SOURCE_TYPES)[number];
  sourceId: string;
  customerId: string | null;
  method: string;
  date: Date;
  amountMinor: number;
  currency: string;
  label: string;
  reference: string;
  recordedById?: string | null;
}

const calendarDay = (date: Date) => new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));

/** Inserts a line unless its source key is already there; answers whether it was inserted. */
export async function insertDraftLine(db: Db, line: NewDraftLine): Promise<boolean> {
  try {
    await db.cashReceiptLine.create({ data: { ...line, date: calendarDay(line.date), method: asReceiptMethod(line.method) } });
    return true;
  } catch (error) {
    if (isUniqueViolation(error)) return false; // another run, or a replay, has it
    throw error;
  }
}

const originOf = (provider: string): LineOrigin => (provider === "stripe" || provider === "gocardless" ? provider : "manual");

/**
 * Brings the organisation's draft journal up to date with its payments and recorded payments; answers the
 * number of lines inserted. Safe to run any time, from any process, as often as wanted.
 */
export async function syncDraftJournal(db: Db, organisationId: string): Promise<number> {
  const organisation = await db.organisation.findUniqueOrThrow({ where: { id: organisationId }, select: { locale: true } });
  const t = translator(isLocale(organisation.locale) ? organisation.locale : "fr");
  const weighed = new Map<string, { sum: number; count: number }>();
  for (const group of await db.cashReceiptLine.groupBy({
    by: ["sourceType", "sourceId"],
    where: { organisationId },
    _sum: { amountMinor: true },
    _count: { _all: true },
  })) {
    weighed.set(`${group.sourceType}:${group.sourceId}`, { sum: group._sum.amountMinor ?? 0, count: group._count._all });
  }
  const seen = (type: string) => [...weighed.keys()].filter((key) => key.startsWith(`${type}:`)).map((key) => key.slice(type.length + 1));
  const name = (customer: { name: string; company: string }) => customer.company || customer.name;
  const lines: NewDraftLine[] = [];
  /** The line that brings a source to what it should weigh, if it does not already. */
  const settle = (
    type: NewDraftLine["sourceType"],
    id: string,
    desired: number,
    line: Omit<NewDraftLine, "sourceKey" | "sourceType" | "sourceId" | "amountMinor">,
  ) => {
    const so = weighed.get(`${type}:${id}`) ?? { sum: 0, count: 0 };
    if (desired === so.sum) return;
    const prefix = type === "payment" ? "payment" : "reversal";
    lines.push({ ...line, sourceType: type, sourceId: id, sourceKey: `${prefix}:${id}:${so.count}`, amountMinor: desired - so.sum });
  };

  // Provider payments: their amount while confirmed, nothing otherwise (processing, failed, charged back).
  const payments = await db.payment.findMany({
    where: { organisationId, OR: [{ status: "confirmed" }, { id: { in: seen("payment") } }] },
    select: {
      id: true,
      provider: true,
      providerPaymentId: true,
      method: true,
      status: true,
      amountMinor: true,
      currency: true,
      customerId: true,
      confirmedAt: true,
      statusAt: true,
      createdAt: true,
      customer: { select: { name: true, company: true } },
      invoice: { select: { number: true } },
    },
  });
  for (const p of payments) {
    const desired = p.status === "confirmed" ? p.amountMinor : 0;
    const counter = desired < (weighed.get(`payment:${p.id}`)?.sum ?? 0);
    const label = counter
      ? t(p.status === "charged_back" ? "journal.label.chargeback" : "journal.label.failed", { name: name(p.customer) })
      : t("journal.label.payment", { name: name(p.customer) });
    settle("payment", p.id, desired, {
      organisationId,
      origin: originOf(p.provider),
      customerId: p.customerId,
      method: p.method,
      date: (counter ? p.statusAt : p.confirmedAt) ?? p.statusAt ?? p.createdAt,
      currency: p.currency,
      label: p.invoice?.number ? `${label} — ${p.invoice.number}` : label,
      reference: p.providerPaymentId,
    });
  }

  // Refunds that succeeded and disputes that were lost take the money back out.
  const reversals = await db.paymentReversal.findMany({
    where: {
      organisationId,
      OR: [{ kind: "refund", status: "succeeded" }, { kind: "dispute", status: "lost" }, { id: { in: [...seen("refund"), ...seen("dispute")] } }],
    },
  });
  const paymentsOfReversals = reversals.length
    ? await db.payment.findMany({
        where: { organisationId, providerPaymentId: { in: reversals.map((r) => r.providerPaymentId) } },
        select: { provider: true, providerPaymentId: true, method: true, customerId: true, customer: { select: { name: true, company: true } } },
      })
    : [];
  for (const r of reversals) {
    const payment = paymentsOfReversals.find((p) => p.provider === r.provider && p.providerPaymentId === r.providerPaymentId);
    // A refund that overtook its payment waits for it: it names no customer yet.
    if (!payment) continue;
    const counted = (r.kind === "refund" && r.status === "succeeded") || (r.kind === "dispute" && r.status === "lost");
    const type = r.kind === "dispute" ? "dispute" : "refund";
    settle(type, r.id, counted ? -r.amountMinor : 0, {
      organisationId,
      origin: originOf(r.provider),
      customerId: payment.customerId,
      method: payment.method,
      date: r.statusAt,
      currency: r.currency,
      label: t(counted ? `journal.label.${type}` : "journal.label.reversalUndone", { name: name(payment.customer) }),
      reference: r.providerRef,
    });
  }

  // Recorded payments and their reversals: rows only ever inserted, one line each.
  const known = new Set([...seen("receipt"), ...seen("receipt_reversal")]);
  const receipts = await db.customerReceipt.findMany({
    where: { organisationId },
    select: {
      id: true,
      kind: true,
      method: true,
      receivedOn: true,
      amountMinor: true,
      currency: true,
      reference: true,
      customerId: true,
      recordedById: true,
      origin: true,
      customer: { select: { name: true, company: true } },
    },
  });
  for (const r of receipts) {
    if (known.has(r.id)) continue;
    const reversal = r.kind === "reversal";
    lines.push({
      organisationId,
      sourceKey: `receipt:${r.id}`,
      // A line of an imported file (kiosk, bank statement) or a debit of a bank debit file says so; the others were recorded by hand.
      origin: r.origin === "import" || r.origin === "debit_file" ? r.origin : "manual",
      sourceType: reversal ? "receipt_reversal" : "receipt",
      sourceId: r.id,
      customerId: r.customerId,
      method: r.method,
      date: r.receivedOn,
      amountMinor: reversal ? -r.amountMinor : r.amountMinor,
      currency: r.currency,
      // A reversal from a bank return (a statement line, a debit file's reject) is a reject, not a correction.
      label: t(reversal ? (r.origin === "manual" ? "journal.label.receiptReversal" : "journal.label.bankReturn") : "journal.label.payment", {
        name: name(r.customer),
      }),
      reference: r.reference,
      recordedById: r.recordedById,
    });
  }

  if (!lines.length) return 0;
  // Every customer of a line gets its account number now, so the journal shows it.
  const settings = await getAccountingSettings(db, organisationId);
  for (const customerId of new Set(lines.map((l) => l.customerId).filter((id): id is string => !!id))) {
    await customerAuxNumber(db, organisationId, customerId, settings);
  }
  let inserted = 0;
  for (const line of lines) if (await insertDraftLine(db, line)) inserted++;
  return inserted;
}

export interface DraftFilters {
  origin?: LineOrigin | "";
  /** Only the lines the user recorded or posted. */
  mineOf?: string;
  /** draft: not yet posted; posted: in an entry; all. */
  state?: "draft" | "posted" | "all";
}

/** The draft journal's lines, oldest first, with each customer's account number and the entry they are in. */
export async function listDraftLines(db: Db, organisationId: string, filters: DraftFilters, take = 500) {
  const lines = await db.cashReceiptLine.findMany({
    where: {
      organisationId,
      ...(filters.origin ? { origin: filters.origin } : {}),
      ...(filters.mineOf ? { OR: [{ recordedById: filters.mineOf }, { postedById: filters.mineOf }] } : {}),
      ...(filters.state === "posted" ? { entryId: { not: null } } : filters.state === "all" ? {} : { entryId: null }),
    },
    orderBy: [{ date: "asc" }, { createdAt: "asc" }, { id: "asc" }],
    take,
    include: { entry: { select: { journalCode: true, number: true, pieceRef: true, validatedAt: true } } },
  });
  const customerIds = [...new Set(lines.map((l) => l.customerId).filter((id): id is string => !!id))];
  const [accounts, customers] = await Promise.all([
    db.customerLedgerAccount.findMany({ where: { organisationId, customerId: { in: customerIds } } }),
    db.customer.findMany({ where: { organisationId, id: { in: customerIds } }, select: { id: true, name: true, company: true } }),
  ]);
  const accountOf = new Map(accounts.map((a) => [a.customerId, a.auxNumber]));
  const customerOf = new Map(customers.map((c) => [c.id, c.company || c.name]));
  const totals = new Map<string, number>();
  for (const line of lines) totals.set(line.currency, (totals.get(line.currency) ?? 0) + line.amountMinor);
  return {
    lines: lines.map((line) => ({
      ...line,
      accountNumber: line.customerId ? (accountOf.get(line.customerId) ?? "") : "",
      accountName: line.customerId ? (customerOf.get(line.customerId) ?? "") : "",
    })),
    totals: [...totals.entries()].map(([currency, amountMinor]) => ({ currency, amountMinor })),
  };
}
