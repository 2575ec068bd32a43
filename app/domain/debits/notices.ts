/**
 * The pre-notification of automatic debits (SEPA: the debtor is told the amount and the date before the
 * collection; 14 days unless a shorter delay was agreed): one email per collection, or one schedule for a
 * balance spread over months. FR/EN in the mandate's language, through the outbox, queued inside the
 * transaction that marks the requests notified (exactly once: the idempotency key is the request's).
 */
import type { Db, Tx } from "~/lib/db.server";
import { formatMoney } from "~/lib/format";
import { translator, type Locale } from "~/i18n";
import { enqueueStoredTemplates } from "../outbox";
import type { CreditorSnapshot } from "../mandates/service";

export interface NoticeMandate {
  id: string;
  organisationId: string;
  reference: string;
  creditorKind: string;
  creditorIdentifier: string;
  creditorSnapshot: string;
  ibanMasked: string;
  email: string;
  locale: string;
}

export interface NoticeRequest {
  id: string;
  amountMinor: number;
  currency: string;
  collectionDate: Date;
  invoiceId: string | null;
  invoiceNumber?: string | null;
  instalmentNumber: number | null;
  instalmentCount: number | null;
}

const dayText = (locale: Locale, day: Date) =>
  new Intl.DateTimeFormat(locale === "en" ? "en-GB" : "fr-FR", { timeZone: "UTC", day: "numeric", month: "long", year: "numeric" }).format(day);

/** The notice's lines: what, how much, when, on which mandate, by which creditor. */
export function noticeParagraphs(mandate: NoticeMandate, requests: NoticeRequest[]) {
  const locale: Locale = mandate.locale === "en" ? "en" : "fr";
  const t = translator(locale);
  const creditor = (JSON.parse(mandate.creditorSnapshot) as CreditorSnapshot).name;
  const lines = requests.map((r) =>
    t(r.instalmentNumber ? "debits.notice.instalmentLine" : "debits.notice.line", {
      amount: formatMoney(r.amountMinor, r.currency, locale),
      date: dayText(locale, r.collectionDate),
      number: r.invoiceNumber ?? "",
      n: r.instalmentNumber ?? 0,
      count: r.instalmentCount ?? 0,
    }),
  );
  return {
    locale,
    creditor,
    subject: t(requests.length > 1 ? "debits.notice.scheduleSubject" : "debits.notice.subject", {
      creditor,
      date: dayText(locale, requests[0].collectionDate),
    }),
    paragraphs: [
      t(requests.length > 1 ? "debits.notice.scheduleIntro" : "debits.notice.intro", { creditor, iban: mandate.ibanMasked }),
      ...lines,
      `${t("mandate.rum")} : ${mandate.reference}`,
      mandate.creditorKind === "own_ics" ? `${t("mandate.ics")} : ${mandate.creditorIdentifier}` : t("debits.notice.byGoCardless", { creditor }),
      t("debits.notice.nothingToDo"),
    ],
  };
}

/** Queues the notice in the caller's transaction; `key` names what it is the notice of (a request, or a schedule). */
export async function queueDebitNotice(tx: Tx, mandate: NoticeMandate, requests: NoticeRequest[], key: string) {
  if (!requests.length) return;
  const { locale, subject, paragraphs } = noticeParagraphs(mandate, requests);
  await enqueueStoredTemplates(tx as unknown as Db, [
    {
      kind: "debit_notice",
      to: mandate.email,
      subject,
      idempotencyKey: key,
      organisationId: mandate.organisationId,
      invoiceId: requests.length === 1 ? requests[0].invoiceId : null,
      template: { name: "notice", props: { locale, preview: subject, paragraphs, footer: translator(locale)("debits.notice.footer") } },
    },
  ]);
}
