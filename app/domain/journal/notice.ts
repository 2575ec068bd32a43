/**
 * Telling the organisation's validator that lines arrived in the draft journal: once per batch (the daily
 * job, or an imported file), never once per payment. In the app and by email, through the outbox.
 */
import type { Db } from "~/lib/db.server";
import { formatMoney } from "~/lib/format";
import { isLocale, translator } from "~/i18n";
import { enqueueStoredTemplates } from "../outbox";
import type { ScheduledJob } from "../scheduler";
import { syncDraftJournal } from "./draft";
import { JOURNAL_NOTICE_KIND } from "./kinds";
import { syncSalesEntries } from "./posting";
import { getAccountingSettings } from "./settings";

/**
 * Marks the lines nobody was told about and tells the validator (else the payments contact, else the first
 * owner) about them in one notice; answers the number of lines told. Two runs at once tell once: the lines
 * are claimed by a conditional update, and the notice is keyed by the batch.
 */
export async function noticeNewLines(db: Db, organisationId: string, appUrl: string, now: Date): Promise<number> {
  return db.$transaction(async (tx) => {
    const lines = await tx.cashReceiptLine.findMany({ where: { organisationId, notifiedAt: null }, select: { id: true, amountMinor: true, currency: true } });
    if (!lines.length) return 0;
    const { count } = await tx.cashReceiptLine.updateMany({
      where: { organisationId, notifiedAt: null, id: { in: lines.map((l) => l.id) } },
      data: { notifiedAt: now },
    });
    if (count !== lines.length) return 0; // claimed by another run
    const sums = new Map<string, number>();
    for (const line of lines) sums.set(line.currency, (sums.get(line.currency) ?? 0) + line.amountMinor);
    const organisation = await tx.organisation.findUniqueOrThrow({
      where: { id: organisationId },
      select: {
        legalName: true,
        paymentsContactId: true,
        memberships: { orderBy: { createdAt: "asc" }, select: { role: true, userId: true, user: { select: { email: true, locale: true } } } },
      },
    });
    const settings = await getAccountingSettings(tx, organisationId);
    const contact = (
      organisation.memberships.find((m) => m.userId === settings.validatorId) ??
      organisation.memberships.find((m) => m.userId === organisation.paymentsContactId) ??
      organisation.memberships.find((m) => m.role === "owner")
    )?.user;
    const dedupeKey = `${JOURNAL_NOTICE_KIND}/${organisationId}/${lines[0].id}`;
    const totals = [...sums.entries()].map(([currency, amountMinor]) => ({ currency, amountMinor }));
    await tx.notification.create({
      data: { organisationId, userId: null, kind: JOURNAL_NOTICE_KIND, data: JSON.stringify({ count: lines.length, totals }), dedupeKey },
    });
    if (contact?.email) {
      const locale = isLocale(contact.locale) ? contact.locale : "fr";
      const t = translator(locale);
      const vars = { count: String(lines.length), amount: totals.map((s) => formatMoney(s.amountMinor, s.currency, locale)).join(", ") };
      const subject = t("journal.notice.subject", vars);
      await enqueueStoredTemplates(tx as unknown as Db, [
        {
          kind: JOURNAL_NOTICE_KIND,
          to: contact.email,
          subject,
          idempotencyKey: `${dedupeKey}/merchant`,
          organisationId,
          template: {
            name: "notice",
            props: {
              locale,
              preview: subject,
              paragraphs: t("journal.notice.body", vars).split("\n"),
              action: { label: t("journal.notice.open"), url: `${appUrl}/journal` },
              footer: organisation.legalName,
            },
          },
        },
      ]);
    }
    return lines.length;
  });
}

/** The periodic work of the books for every organisation: draft lines and sales entries brought up to date. */
export async function syncAllJournals(db: Db, now: Date) {
  const organisations = await db.organisation.findMany({ select: { id: true } });
  for (const { id } of organisations) {
    await syncDraftJournal(db, id);
    await syncSalesEntries(db, id, now);
  }
}

/** The daily notice to every organisation with new lines. */
export async function noticeAllJournals(db: Db, appUrl: string, now: Date) {
  const organisations = await db.cashReceiptLine.findMany({ where: { notifiedAt: null }, distinct: ["organisationId"], select: { organisationId: true } });
  for (const { organisationId } of organisations) await noticeNewLines(db, organisationId, appUrl, now);
}

/**
 * The worker's jobs for the books: every 15 minutes the draft journal and the sales entries are brought up
 * to date (the journal page does it too on each visit); every morning the validators are told, once, of
 * the lines that arrived since the last notice.
 */
export function journalJobs(db: Db, appUrl: string): ScheduledJob[] {
  return [
    { name: "journal-sync", schedule: "*/15 * * * *", run: (now) => syncAllJournals(db, now) },
    {
      name: "journal-notice",
      schedule: "0 8 * * *",
      run: async (now) => {
        await syncAllJournals(db, now);
        await noticeAllJournals(db, appUrl, now);
      },
    },
  ];
}
