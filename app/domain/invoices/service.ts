import { applyCredit } from "../accounts/credit";
import { scheduleInvoiceDebit } from "../debits/service";
import type { InvoiceWhereInput } from "~/generated/zenstack/input";
import type { Db } from "~/lib/db.server";
import type { MessageKey } from "~/i18n";
import { optionalText } from "../validation";
import { type DraftInput, totalsError } from "./draft";
import { type InvoiceTerms, type PostalAddress, deliveryAddressOf, isOperationNature, vatExemptionOf } from "./mentions";
import { formatInvoiceNumber } from "./numbering";
import { UNPAID_STATUSES, type InvoiceStatus } from "./status";
import { computeTotals } from "./totals";

export const INVOICES_PAGE_SIZE = 25;
/** Filters no maintained count covers (customer, overdue) are counted up to this many, then shown as "more than". */
export const INVOICES_COUNT_LIMIT = 1000;

export type ServiceResult<T> = { ok: true; value: T } | { ok: false; error: MessageKey; field?: string; vars?: Record<string, string> };

/**
 * A place in the invoice list, which is ordered newest first by (createdAt, id): the id breaks ties, so the
 * order is total and a page that starts after a given invoice never repeats or skips one, whatever is
 * added meanwhile. In URLs as `<createdAt in ms>.<id>`.
 */
export interface InvoiceCursor {
  createdAt: Date;
  id: string;
}

export function formatInvoiceCursor(cursor: InvoiceCursor): string {
  return `${cursor.createdAt.getTime()}.${cursor.id}`;
}

/** Dates Prisma can pass to SQLite (four-digit years): a later one fails the query. */
const LATEST_CURSOR_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** The cursor in a URL parameter, or null when absent or not one (a tampered value is not an error: the list starts over). */
export function parseInvoiceCursor(value: string | null): InvoiceCursor | null {
  const match = value ? /^(\d{1,15})\.([A-Za-z0-9_-]{1,64})$/.exec(value) : null;
  if (!match || Number(match[1]) > LATEST_CURSOR_MS) return null;
  return { createdAt: new Date(Number(match[1])), id: match[2] };
}

export interface InvoiceFilters {
  status?: InvoiceStatus;
  customerId?: string;
  overdue?: boolean;
  /** The page of invoices just after this one (a "next" link)… */
  after?: InvoiceCursor | null;
  /** …or just before it (a "previous" link). Without either, the first page. */
  before?: InvoiceCursor | null;
}

/** How many invoices the filters match: exact, or at least `value` when `more`. */
export interface InvoiceCount {
  value: number;
  more: boolean;
}

const invoiceRow = {
  id: true,
  number: true,
  status: true,
  currency: true,
  issueDate: true,
  dueDate: true,
  totalMinor: true,
  amountDueMinor: true,
  createdAt: true,
  customer: { select: { id: true, name: true, company: true } },
} as const;

/**
 * One page of the organisation's invoices, newest first, with links to the pages next to it as cursors
 * (keyset pagination: each page is an index range read, however deep). Every query is scoped to the organisation.
 */
export async function listInvoices(db: Db, organisationId: string, filters: InvoiceFilters, today: Date) {
  const where = {
    organisationId,
    ...(filters.customerId ? { customerId: filters.customerId } : {}),
    ...(filters.overdue
      ? { status: filters.status && UNPAID_STATUSES.includes(filters.status) ? filters.status : { in: UNPAID_STATUSES }, dueDate: { lt: today } }
      : filters.status
        ? { status: filters.status }
        : {}),
  };
  const page = (direction: "after" | "before", cursor: InvoiceCursor | null) =>
    db.invoice.findMany({
      where: cursor ? { AND: [where, beyond(direction, cursor)] } : where,
      orderBy: direction === "after" ? newestFirst : [{ createdAt: "asc" as const }, { id: "asc" as const }],
      take: INVOICES_PAGE_SIZE + 1, // one more tells whether there is a page beyond
      select: invoiceRow,
    });

  const [count, rows] = await Promise.all([
    countInvoices(db, organisationId, where, filters),
    filters.after ? page("after", filters.after) : filters.before ? page("before", filters.before) : page("after", null),
  ]);

  let invoices: typeof rows;
  let hasNext: boolean;
  let hasPrevious: boolean;
  if (filters.before && !filters.after) {
    if (rows.length > INVOICES_PAGE_SIZE) {
      invoices = rows.slice(0, INVOICES_PAGE_SIZE).reverse();
      hasPrevious = true;
      hasNext = true;
    } else {
      // Fewer than a page before the cursor: this is the top of the list, shown as the full first page.
      const top = await page("after", null);
      invoices = top.slice(0, INVOICES_PAGE_SIZE);
      hasPrevious = false;
      hasNext = top.length > INVOICES_PAGE_SIZE;
    }
  } else {
    invoices = rows.slice(0, INVOICES_PAGE_SIZE);
    hasNext = rows.length > INVOICES_PAGE_SIZE;
    hasPrevious = Boolean(filters.after);
  }
  const first = invoices[0];
  const last = invoices[invoices.length - 1];
  return {
    invoices,
    count,
    /** The cursor of the next page's `after`, or null on the last page. */
    next: hasNext && last ? formatInvoiceCursor(last) : null,
    /** The cursor of the previous page's `before`, or null on the first page. */
    previous: hasPrevious && first ? formatInvoiceCursor(first) : null,
    /** True when a cursor was given but nothing lies beyond it (the invoices it pointed past are gone). */
    pastTheEnd: invoices.length === 0 && Boolean(filters.after || filters.before),
  };
}

const newestFirst = [{ createdAt: "desc" as const }, { id: "desc" as const }];

/**
 * Rows strictly after (older than) or before (newer than) the cursor in the list's order. Written as a range on
 * createdAt plus a tie-break, so SQLite reads it as a range of the (organisation, [status | customer,] createdAt, id) indexes.
 */
function beyond(direction: "after" | "before", { createdAt, id }: InvoiceCursor): InvoiceWhereInput {
  return direction === "after"
    ? { createdAt: { lte: createdAt }, OR: [{ createdAt: { lt: createdAt } }, { id: { lt: id } }] }
    : { createdAt: { gte: createdAt }, OR: [{ createdAt: { gt: createdAt } }, { id: { gt: id } }] };
}

/**
 * The whole organisation or one status: read from the per-status counts the database keeps up to date (triggers on
 * "Invoice"). A customer or the overdue filter: counted, but only up to INVOICES_COUNT_LIMIT, in the list's index order.
 */
async function countInvoices(db: Db, organisationId: string, where: InvoiceWhereInput, filters: InvoiceFilters): Promise<InvoiceCount> {
  if (!filters.customerId && !filters.overdue) {
    const counts = await db.invoiceStatusCount.findMany({
      where: { organisationId, ...(filters.status ? { status: filters.status } : {}) },
      select: { count: true },
    });
    return { value: counts.reduce((sum, { count }) => sum + count, 0), more: false };
  }
  const value = await db.invoice.count({ where, orderBy: newestFirst, take: INVOICES_COUNT_LIMIT + 1 });
  return value > INVOICES_COUNT_LIMIT ? { value: INVOICES_COUNT_LIMIT, more: true } : { value, more: false };
}

export function getInvoice(db: Db, organisationId: string, id: string) {
  return db.invoice.findFirst({
    where: { id, organisationId },
    include: { lines: { orderBy: { position: "asc" } }, customer: true, organisation: true, payments: { orderBy: { createdAt: "asc" } } },
  });
}
export type InvoiceWithDetails = NonNullable<Awaited<ReturnType<typeof getInvoice>>>;

export async function invoiceExists(db: Db, organisationId: string, id: string) {
  return Boolean(await db.invoice.findFirst({ where: { id, organisationId }, select: { id: true } }));
}

/** Online payment is a delivery setting, not invoice content: it may change after finalisation. False when not this organisation's. */
export async function setPaymentOptions(db: Db, organisationId: string, id: string, options: { onlinePayment: boolean; allowPartialPayment: boolean }) {
  const { onlinePayment, allowPartialPayment } = options;
  const { count } = await db.invoice.updateMany({ where: { id, organisationId }, data: { onlinePayment, allowPartialPayment } });
  return count === 1;
}

/** The rows of a draft; throws when its totals break the rules `draftSchema` checks (a caller that skipped it). */
function invoiceData(input: DraftInput) {
  const totals = computeTotals(input.lines);
  const error = totalsError(totals);
  if (error) throw new Error(`invoice totals refused: ${error}`);
  return {
    header: {
      customerId: input.customerId,
      // Left out of a form (undefined): a new draft takes the organisation's defaults, an edited one keeps its own.
      operationNature: input.operationNature,
      vatExemption: input.vatExemption,
      currency: input.currency,
      issueDate: input.issueDate,
      dueDate: input.dueDate,
      notes: input.notes,
      paymentTerms: input.paymentTerms,
      onlinePayment: input.onlinePayment,
      allowPartialPayment: input.allowPartialPayment,
      subtotalMinor: totals.subtotalMinor,
      taxMinor: totals.taxMinor,
      totalMinor: totals.totalMinor,
      amountDueMinor: totals.totalMinor,
    },
    lines: input.lines.map((line, position) => ({ ...line, position, totalMinor: totals.lineTotalsMinor[position] })),
  };
}

async function customerUsable(db: Db, organisationId: string, customerId: string) {
  return Boolean(await db.customer.findFirst({ where: { id: customerId, organisationId, archivedAt: null }, select: { id: true } }));
}

export async function createDraft(db: Db, organisationId: string, input: DraftInput): Promise<ServiceResult<{ id: string }>> {
  if (!(await customerUsable(db, organisationId, input.customerId))) return { ok: false, error: "errors.customerNotFound", field: "customerId" };
  const { header, lines } = invoiceData(input);
  const defaults = await db.organisation.findUniqueOrThrow({ where: { id: organisationId }, select: { operationNature: true, vatExemptionDefault: true } });
  const invoice = await db.invoice.create({
    data: {
      ...header,
      operationNature: header.operationNature ?? defaults.operationNature,
      vatExemption: header.vatExemption ?? defaults.vatExemptionDefault,
      organisationId,
      lines: { create: lines },
    },
    select: { id: true },
  });
  return { ok: true, value: invoice };
}

export async function updateDraft(db: Db, organisationId: string, id: string, input: DraftInput): Promise<ServiceResult<null> | null> {
  const { header, lines } = invoiceData(input);
  return db.$transaction(async (tx) => {
    const invoice = await tx.invoice.findFirst({ where: { id, organisationId }, select: { status: true } });
    if (!invoice) return null;
    if (invoice.status !== "draft") return { ok: false, error: "invoices.errors.notDraft" };
    if (!(await customerUsable(tx as Db, organisationId, input.customerId))) return { ok: false, error: "errors.customerNotFound", field: "customerId" };
    await tx.invoiceLine.deleteMany({ where: { invoiceId: id } });
    await tx.invoice.update({ where: { id }, data: { ...header, lines: { create: lines } } });
    return { ok: true, value: null };
  });
}

export async function deleteDraft(db: Db, organisationId: string, id: string): Promise<ServiceResult<null> | null> {
  const invoice = await db.invoice.findFirst({ where: { id, organisationId }, select: { status: true } });
  if (!invoice) return null;
  const { count } = await db.invoice.deleteMany({ where: { id, organisationId, status: "draft" } });
  return count === 1 ? { ok: true, value: null } : { ok: false, error: "invoices.errors.notDraft" };
}

/**
 * Gives a draft its number and makes it immutable. The organisation's counter is incremented in the
 * same transaction that writes the number, so a failure rolls both back (no gap) and SQLite's single
 * writer orders concurrent finalisations (no duplicate). A unique index on (organisation, number) backs it up.
 */
export async function finaliseInvoice(db: Db, organisationId: string, id: string, now: Date): Promise<ServiceResult<{ number: string }> | null> {
  return db
    .$transaction(async (tx): Promise<ServiceResult<{ number: string }> | null> => {
      const invoice = await tx.invoice.findFirst({ where: { id, organisationId }, include: { customer: true, organisation: true, lines: true } });
      if (!invoice) return null;
      if (invoice.status !== "draft") return { ok: false, error: "invoices.errors.notDraft" };
      if (invoice.lines.length === 0) return { ok: false, error: "errors.noLines" };
      if (invoice.customer.archivedAt) return { ok: false, error: "invoices.errors.customerArchived" };
      const latest = await tx.invoice.findFirst({
        where: { organisationId, sequence: { not: null } },
        orderBy: { sequence: "desc" },
        select: { issueDate: true },
      });
      if (latest && invoice.issueDate < latest.issueDate) {
        return { ok: false, error: "invoices.errors.issueDateBeforeLast", vars: { date: latest.issueDate.toISOString().slice(0, 10) } };
      }
      const { lastInvoiceSequence: sequence, invoiceNumberFormat } = await tx.organisation.update({
        where: { id: organisationId },
        data: { lastInvoiceSequence: { increment: 1 } },
        select: { lastInvoiceSequence: true, invoiceNumberFormat: true },
      });
      const number = formatInvoiceNumber(invoiceNumberFormat, sequence, invoice.issueDate);
      const { organisation: seller, customer: buyer } = invoice;
      const parties: Parties = {
        seller: {
          legalName: seller.legalName,
          addressLine1: seller.addressLine1,
          addressLine2: seller.addressLine2,
          postalCode: seller.postalCode,
          city: seller.city,
          country: seller.country,
          siret: seller.siret,
          vatNumber: seller.vatNumber,
          legalMentions: seller.legalMentions,
          iban: seller.iban,
          bic: seller.bic,
        },
        buyer: {
          name: buyer.name,
          company: buyer.company,
          email: buyer.email,
          addressLine1: buyer.addressLine1,
          addressLine2: buyer.addressLine2,
          postalCode: buyer.postalCode,
          city: buyer.city,
          country: buyer.country,
          reference: buyer.reference,
          siren: buyer.siren,
          vatNumber: buyer.vatNumber,
          delivery: deliveryAddressOf(buyer),
        },
        mentions: termsOf(invoice, seller),
      };
      const claimed = await tx.invoice.updateMany({
        where: { id, organisationId, status: "draft" },
        data: {
          status: "open",
          number,
          sequence,
          finalisedAt: now,
          partiesSnapshot: JSON.stringify(parties),
          amountDueMinor: invoice.totalMinor - invoice.amountPaidMinor,
        },
      });
      // Another request finalised it meanwhile: roll back our increment so the sequence has no gap.
      if (claimed.count !== 1) throw new ConcurrentFinalisation();
      // Credit on the customer's account pays the new invoice first (issue 14).
      await applyCredit(tx, organisationId, invoice.customerId);
      // A customer in automatic debit: what is left to pay is collected at the due date (issue 15, decision 0020).
      await scheduleInvoiceDebit(tx, { organisationId, invoiceId: id, note: "invoice finalised" }, now);
      return { ok: true, value: { number } };
    })
    .catch((error) => {
      if (error instanceof ConcurrentFinalisation) return { ok: false as const, error: "invoices.errors.notDraft" as const };
      throw error;
    });
}

class ConcurrentFinalisation extends Error {}

/** The reason of a credit note issued by "Annuler" (a finalised invoice is never voided any more: see docs/decisions/0014). */
export const voidReasonField = optionalText(500).refine((reason) => reason.length > 0, "errors.required");

/** The invoice's own mentions, from its columns and its seller's VAT option. */
function termsOf(invoice: { operationNature: string; vatExemption: string }, seller: { vatOnDebits: boolean }): InvoiceTerms {
  return {
    operationNature: isOperationNature(invoice.operationNature) ? invoice.operationNature : "services",
    vatOnDebits: seller.vatOnDebits,
    vatExemption: vatExemptionOf(invoice.vatExemption),
  };
}

export interface Parties {
  seller: {
    legalName: string;
    addressLine1: string;
    addressLine2: string;
    postalCode: string;
    city: string;
    country: string;
    siret: string;
    vatNumber: string;
    legalMentions: string;
    iban: string;
    bic: string;
  };
  buyer: {
    name: string;
    company: string;
    email: string;
    addressLine1: string;
    addressLine2: string;
    postalCode: string;
    city: string;
    country: string;
    reference: string;
    /** The rest is absent from invoices finalised before the mentions of décret 2022-1299 (see ./mentions.ts). */
    siren?: string;
    vatNumber?: string;
    /** Where goods are delivered, when not at the billing address. */
    delivery?: PostalAddress | null;
  };
  mentions?: InvoiceTerms;
}

type CustomerRecord = Omit<Parties["buyer"], "delivery"> & Parameters<typeof deliveryAddressOf>[0];

/** The parties as printed: frozen at finalisation, live while the invoice is a draft. */
export function partiesOf(invoice: {
  partiesSnapshot: string | null;
  operationNature: string;
  vatExemption: string;
  organisation: Parties["seller"] & { vatOnDebits: boolean };
  customer: CustomerRecord;
}): Parties {
  if (invoice.partiesSnapshot) return JSON.parse(invoice.partiesSnapshot) as Parties;
  const { customer, organisation } = invoice;
  return {
    seller: organisation,
    buyer: { ...customer, delivery: deliveryAddressOf(customer) },
    mentions: termsOf(invoice, organisation),
  };
}
