import type { Db, Tx } from "~/lib/db.server";
import type { OrganisationGetPayload, OrganisationSelect } from "~/generated/zenstack/input";
import { formatMoney } from "~/lib/format";
import { isLocale, translator, type MessageKey } from "~/i18n";
import { returnReasonText } from "./debits/statuses";
import { enqueueStoredTemplates } from "./outbox";

export const NOTIFICATION_KINDS = [
  "payment_received",
  "payment_failed",
  "payment_charged_back",
  "payment_disputed",
  "payment_refunded",
  "payment_refund_failed",
  "payment_dispute_won",
  "payment_dispute_lost",
  "payment_overpaid",
  "payment_restored",
  "provider_deauthorized",
  "mandate_ended",
  "debit_returned",
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** The notices the customer also receives (a receipt, a failed payment, money given back): the others are the merchant's business. */
export const CUSTOMER_NOTICE_KINDS = [
  "payment_received",
  "payment_failed",
  "payment_overpaid",
  "payment_refunded",
  "debit_returned",
] as const satisfies readonly NotificationKind[];
type CustomerNoticeKind = (typeof CUSTOMER_NOTICE_KINDS)[number];

/** What a payment made on the customer's balance (no invoice) can cause: told about the account instead of an invoice. */
export const ACCOUNT_NOTICE_KINDS = [
  "payment_received",
  "payment_failed",
  "payment_charged_back",
  "payment_refunded",
  "payment_refund_failed",
  "payment_restored",
  "payment_disputed",
  "payment_dispute_won",
  "payment_dispute_lost",
  "debit_returned",
] as const satisfies readonly NotificationKind[];
const isCustomerNotice = (kind: NotificationKind): kind is CustomerNoticeKind => (CUSTOMER_NOTICE_KINDS as readonly string[]).includes(kind);

/** The lines of a customer notice below its message: how they paid, and what is left to pay. */
const CUSTOMER_DETAILS: Record<CustomerNoticeKind, { method: boolean; balance: boolean; thanks: boolean }> = {
  payment_received: { method: true, balance: true, thanks: true },
  payment_overpaid: { method: true, balance: false, thanks: true },
  payment_failed: { method: true, balance: false, thanks: false },
  payment_refunded: { method: false, balance: false, thanks: false },
  debit_returned: { method: false, balance: false, thanks: false },
};

interface NoticeFacts {
  organisationId: string;
  kind: NotificationKind;
  /** One notice per fact: replaying the event that caused it adds nothing. */
  dedupeKey: string;
  invoiceId?: string;
  /** The customer whose account the fact concerns (a balance payment names no invoice). */
  customerId?: string;
  amountMinor?: number;
  currency?: string;
  /** Paid beyond what the invoice asked (an overpayment). */
  excessMinor?: number;
  provider?: string;
  /** How the customer paid ("card", "direct_debit"), for their receipt. */
  method?: string;
  /** The bank's reason code for a returned debit (AM04…), shown with its meaning. */
  reason?: string;
  /** Also tell the customer (payment receipt, or failed debit): only for CUSTOMER_NOTICE_KINDS. */
  customer?: boolean;
  /** The dedupe key names a row created in this same transaction (a new payment): no notice can exist yet, none is looked for. */
  fresh?: boolean;
  /** The invoice as the caller has just read it (a payment's recomputed invoice), so it is not read again. */
  invoice?: NoticeInvoice;
}

type NoticeInvoice = { id: string; number: string | null; amountDueMinor: number; customer: { name: string; company: string; email: string; locale: string } };

/** The organisation as its notices name it: its legal name and its payments contact (or first owner). */
type Merchant = { legalName: string; contact: { email: string; locale: string } | undefined };

/**
 * What several notices written in one transaction share: each organisation's name and payments contact, read
 * once per organisation (no one else can change them while the transaction holds the write lock).
 */
export interface NoticeContext {
  merchants?: Map<string, Merchant>;
  /** Inside a group of events: the notices wait here and are written together when the group ends. */
  pending?: PendingNotices;
}

type StoredEmails = Parameters<typeof enqueueStoredTemplates>[1];
type Notice = { organisationId: string; kind: string; data: string; dedupeKey: string; createdAt: Date };

/**
 * The notices of a group of events (decision 0012) and their emails, written in one insert each when the
 * group ends, inside its transaction. An event undone to its savepoint drops what it added (`mark`/`undo`).
 */
export class PendingNotices {
  #notices: Notice[] = [];
  #emails: StoredEmails = [];
  #keys = new Set<string>();

  has(dedupeKey: string) {
    return this.#keys.has(dedupeKey);
  }

  add(notice: Notice, emails: StoredEmails) {
    this.#notices.push(notice);
    this.#emails.push(...emails);
    this.#keys.add(notice.dedupeKey);
  }

  mark() {
    return { notices: this.#notices.length, emails: this.#emails.length };
  }

  undo(mark: ReturnType<PendingNotices["mark"]>) {
    for (const notice of this.#notices.splice(mark.notices)) this.#keys.delete(notice.dedupeKey);
    this.#emails.splice(mark.emails);
  }

  async write(tx: Tx) {
    if (this.#notices.length) await tx.notification.createMany({ data: this.#notices });
    await enqueueStoredTemplates(tx as unknown as Db, this.#emails);
    this.#notices = [];
    this.#emails = [];
    this.#keys.clear();
  }
}

/**
 * Tells the merchant (in the app, and by email to the organisation's payments contact, the owner by
 * default) and, where it concerns them, the customer. Runs inside the transaction that changed the
 * payment, so the notice and the change are saved together; delivery goes through the outbox.
 */
export async function notify(tx: Tx, facts: NoticeFacts, appUrl: string, context: NoticeContext = {}) {
  if (
    !facts.fresh &&
    (context.pending?.has(facts.dedupeKey) || (await tx.notification.findUnique({ where: { dedupeKey: facts.dedupeKey }, select: { id: true } })))
  )
    return;
  // One read for the organisation, its payments contact (or first owner) and the invoice's customer; only
  // the relation the fact needs (an invoice, or the customer's account) is read, and nothing already known.
  const select = noticeSelect(facts);
  const known = context.merchants?.get(facts.organisationId);
  const row =
    known && facts.invoice
      ? null
      : // The payload is typed from the full selection; a relation left out at run time is simply absent.
        ((await tx.organisation.findUniqueOrThrow({
          where: { id: facts.organisationId },
          select: {
            ...select,
            memberships: !known && select.memberships,
            invoices: !!facts.invoiceId && !facts.invoice && select.invoices,
            customers: !facts.invoiceId && select.customers,
          },
        })) as unknown as NoticeRow);
  const merchant = known ?? merchantOf(row!);
  context.merchants?.set(facts.organisationId, merchant);
  const invoice = facts.invoice ?? row?.invoices?.[0] ?? null;
  const accountOwner = row?.customers?.[0] ?? null;
  const customer = invoice?.customer ?? accountOwner;
  const leftMinor = invoice ? invoice.amountDueMinor : (accountOwner?.invoices.reduce((sum, i) => sum + i.amountDueMinor, 0) ?? 0);
  const data = {
    invoiceId: invoice?.id,
    customerId: accountOwner?.id,
    number: invoice?.number,
    customer: customer?.company || customer?.name,
    amountMinor: facts.amountMinor,
    excessMinor: facts.excessMinor,
    currency: facts.currency,
    provider: facts.provider,
    reason: facts.reason,
  };
  // Its own time, not its group's: the notices keep the order of the facts.
  const notice = { organisationId: facts.organisationId, kind: facts.kind, data: JSON.stringify(data), dedupeKey: facts.dedupeKey, createdAt: new Date() };

  const { contact } = merchant;
  const render = (localeValue: string, kind: "merchant" | "customer") => {
    const locale = isLocale(localeValue) ? localeValue : "fr";
    const t = translator(locale);
    const money = (minor: number | undefined, currency = facts.currency) => (minor !== undefined && currency ? formatMoney(minor, currency, locale) : "");
    const vars = {
      amount: money(facts.amountMinor),
      excess: money(facts.excessMinor),
      number: invoice?.number ?? "",
      customer: data.customer ?? "",
      merchant: merchant.legalName,
      provider: providerName(facts.provider),
      reason: facts.reason ? returnReasonText(t, facts.reason) : "",
    };
    // A balance payment names no invoice: its notices speak of the account.
    const audience = invoice ? kind : (`${kind}Account` as const);
    const subject = t(`notify.${facts.kind}.${audience}.subject` as MessageKey, vars);
    const paragraphs = t(`notify.${facts.kind}.${audience}.body` as MessageKey, vars).split("\n");
    if (kind === "customer" && customer && isCustomerNotice(facts.kind)) {
      const details = CUSTOMER_DETAILS[facts.kind];
      paragraphs.unshift(t("notify.customer.greeting", { name: customer.name }));
      if (details.method && (facts.method === "card" || facts.method === "direct_debit")) {
        paragraphs.push(t("notify.customer.method", { method: t(`notify.customer.method.${facts.method}`, { provider: vars.provider }) }));
      }
      if (details.balance) {
        const left = leftMinor > 0 ? { amount: money(leftMinor) } : null;
        if (invoice) paragraphs.push(left ? t("notify.customer.left", left) : t("notify.customer.settled"));
        else paragraphs.push(left ? t("notify.customer.leftAccount", left) : t("notify.customer.settledAccount"));
      }
      if (details.thanks) paragraphs.push(t("notify.customer.thanks"));
    }
    const action =
      kind !== "merchant"
        ? undefined
        : invoice
          ? { label: t("notify.openInvoice"), url: `${appUrl}/invoices/${invoice.id}` }
          : accountOwner
            ? { label: t("notify.openAccount"), url: `${appUrl}/customers/${accountOwner.id}` }
            : undefined;
    const template = { name: "notice" as const, props: { locale, preview: subject, paragraphs, action, footer: merchant.legalName } };
    return { subject, template };
  };
  const emails = [];
  if (contact?.email) {
    emails.push({
      kind: facts.kind,
      to: contact.email,
      ...render(contact.locale, "merchant"),
      idempotencyKey: `${facts.dedupeKey}/merchant`,
      organisationId: facts.organisationId,
      invoiceId: invoice?.id,
    });
  }
  if (facts.customer && isCustomerNotice(facts.kind) && customer?.email) {
    emails.push({
      kind: `${facts.kind}_customer`,
      to: customer.email,
      ...render(customer.locale, "customer"),
      idempotencyKey: `${facts.dedupeKey}/customer`,
      organisationId: facts.organisationId,
      invoiceId: invoice?.id,
    });
  }
  if (context.pending) return context.pending.add(notice, emails);
  await tx.notification.create({ data: notice });
  await enqueueStoredTemplates(tx as unknown as Db, emails);
}

/** The organisation, its members (for the payments contact) and the invoice or the customer's account a notice is about. */
const noticeSelect = (facts: NoticeFacts) =>
  ({
    id: true,
    legalName: true,
    paymentsContactId: true,
    memberships: {
      orderBy: { createdAt: "asc" },
      select: { role: true, userId: true, user: { select: { email: true, locale: true } } },
    },
    invoices: {
      where: { id: facts.invoiceId ?? "" },
      select: {
        id: true,
        number: true,
        currency: true,
        amountDueMinor: true,
        customer: { select: { name: true, company: true, email: true, locale: true } },
      },
    },
    customers: {
      where: { id: facts.customerId ?? "" },
      select: {
        id: true,
        name: true,
        company: true,
        email: true,
        locale: true,
        // What is left on the account once a balance payment is in: the invoices still due.
        invoices: { where: { status: { in: ["open", "partially_paid"] }, currency: facts.currency ?? "" }, select: { amountDueMinor: true } },
      },
    },
  }) satisfies OrganisationSelect;

function merchantOf(row: NoticeRow): Merchant {
  const memberships = row.memberships ?? [];
  const contact = memberships.find((m) => m.userId === row.paymentsContactId) ?? memberships.find((m) => m.role === "owner");
  return { legalName: row.legalName, contact: contact?.user };
}

type FullNoticeRow = OrganisationGetPayload<{ select: ReturnType<typeof noticeSelect> }>;
type NoticeRow = Omit<FullNoticeRow, "memberships" | "invoices" | "customers"> & Partial<Pick<FullNoticeRow, "memberships" | "invoices" | "customers">>;

const providerName = (provider: string | undefined) => (provider === "gocardless" ? "GoCardless" : provider === "stripe" ? "Stripe" : "");

export async function listNotifications(db: Db, organisationId: string, take = 50) {
  const [items, unread] = await Promise.all([
    db.notification.findMany({ where: { organisationId }, orderBy: { createdAt: "desc" }, take }),
    db.notification.count({ where: { organisationId, readAt: null } }),
  ]);
  return { items: items.map((n) => ({ ...n, data: JSON.parse(n.data) as Record<string, string | number | undefined> })), unread };
}

export function unreadCount(db: Db, organisationId: string) {
  return db.notification.count({ where: { organisationId, readAt: null } });
}

export async function markRead(db: Db, organisationId: string, id: string | null, now: Date) {
  await db.notification.updateMany({ where: { organisationId, readAt: null, ...(id ? { id } : {}) }, data: { readAt: now } });
}
