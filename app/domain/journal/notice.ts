/**
 * Telling the organisation's validator that lines arrived in the draft journal: once per batch (the daily
 * job), never once per payment; and that a payment file was imported. In the app and by email, through
 * the outbox.
 */
import type { Db, Tx } from "~/lib/db.server";
import { formatMoney } from "~/lib/format";
import { isLocale, type Locale, type MessageKey, translator } from "~/i18n";
import { enqueueStoredTemplates } from "../outbox";
import type { ScheduledJob } from "../scheduler";
import { syncDraftJournal } from "./draft";
import { IMPORT_NOTICE_KIND, JOURNAL_NOTICE_KIND } from "./kinds";
import { syncSalesEntries } from "./posting";
import { getAccountingSettings } from "./settings";

type Totals = { currency: string; amountMinor: number }[];

/** Who is told what arrives for the books: the validator (a setting), else the payments contact, else the first owner. */
async function booksContact(tx: Tx, organisationId: string) {
  const organisation = await tx.organisation.findUniqueOrThrow({
    where: { id: organisationId },
    select: {
      legalName: true,
      paymentsContactId: true,
      memberships: { orderBy: { createdAt: "asc" }, select: { role: true, userId: true, user: { select: { email: true, locale: true } } } },
    },
  });
  const settings = await getAccountingSettings(tx, organisationId);
  const member =
    organisation.memberships.find((m) => m.userId === settings.validatorId) ??
    organisation.memberships.find((m) => m.userId === organisation.paymentsContactId) ??
    organisation.memberships.find((m) => m.role === "owner");
  return { legalName: organisation.legalName, contact: member ? { userId: member.userId, ...member.user } : null };
}

export const totalsText = (totals: Totals, locale: Locale) => totals.map((s) => formatMoney(s.amountMinor, s.currency, locale)).join(", ");

/** One notice for the books' contact, in the app and by email (their language), keyed so it is told once. */
export interface BooksNotice {
  kind: string;
  dedupeKey: string;
  /** What the app's notification list shows it from. */
  data: Record<string, unknown>;
  /** Whose own doing it is: not told about it. */
  actorId?: string;
  keys: { subject: MessageKey; body: MessageKey; open: MessageKey };
  vars: (locale: Locale) => Record<string, string>;
  url: string;
}

/** Tells the books' contact (`booksContact`), inside the caller's transaction; delivery goes through the outbox. */
export async function tellBooksContact(tx: Tx, organisationId: string, notice: BooksNotice) {
  const { legalName, contact } = await booksContact(tx, organisationId);
  if (notice.actorId && contact?.userId === notice.actorId) return;
  const { kind, dedupeKey } = notice;
  await tx.notification.create({ data: { organisationId, userId: null, kind, data: JSON.stringify(notice.data), dedupeKey } });
  if (!contact?.email) return;
  const locale = isLocale(contact.locale) ? contact.locale : "fr";
  const t = translator(locale);
  const vars = notice.vars(locale);
  const subject = t(notice.keys.subject, vars);
  await enqueueStoredTemplates(tx as unknown as Db, [
    {
      kind,
      to: contact.email,
      subject,
      idempotencyKey: `${dedupeKey}/merchant`,
      organisationId,
      template: {
        name: "notice",
        props: {
          locale,
          preview: subject,
          paragraphs: t(notice.keys.body, vars).split("\n"),
          action: { label: t(notice.keys.open), url: notice.url },
          footer: legalName,
        },
      },
    },
  ]);
}

/** The amounts per currency of some money-carrying rows. */
export function totalsOf(rows: { amountMinor: number; currency: string }[]): Totals {
  const sums = new Map<string, number>();
  for (const row of rows) sums.set(row.currency, (sums.get(row.currency) ?? 0) + row.amountMinor);
  return [...sums.entries()].map(([currency, amountMinor]) => ({ currency, amountMinor }));
}

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
    const totals = totalsOf(lines);
    await tellBooksContact(tx, organisationId, {
      kind: JOURNAL_NOTICE_KIND,
      dedupeKey: `${JOURNAL_NOTICE_KIND}/${organisationId}/${lines[0].id}`,
      data: { count: lines.length, totals },
      keys: { subject: "journal.notice.subject", body: "journal.notice.body", open: "journal.notice.open" },
      vars: (locale) => ({ count: String(lines.length), amount: totalsText(totals, locale) }),
      url: `${appUrl}/journal`,
    });
    return lines.length;
  });
}

/** What an imported file holds, for its notice. */
export interface ImportedFileFacts {
  importFileId: string;
  fileName: string;
  uploadedById: string;
  /** Every line read, ignored ones included (as the file's page counts them). */
  count: number;
  /** Lines matched to no customer: someone must choose one. */
  manual: number;
  /** The money received (credit lines), per currency. */
  totals: Totals;
}

/**
 * Tells the same person as the journal's notice that a payment file was imported: its lines wait for a
 * customer or a confirmation before they reach the draft journal. Nobody is told when that person imported
 * it (they know). Runs in the import's transaction and is keyed by the file: told once per file.
 */
export async function noticeImportedFile(tx: Tx, organisationId: string, file: ImportedFileFacts, appUrl: string) {
  const uploader = await tx.user.findUniqueOrThrow({ where: { id: file.uploadedById }, select: { name: true, email: true } });
  const data = {
    importFileId: file.importFileId,
    name: file.fileName,
    by: uploader.name || uploader.email,
    count: file.count,
    manual: file.manual,
    totals: file.totals,
  };
  await tellBooksContact(tx, organisationId, {
    kind: IMPORT_NOTICE_KIND,
    dedupeKey: `${IMPORT_NOTICE_KIND}/${organisationId}/${file.importFileId}`,
    data,
    actorId: file.uploadedById,
    keys: { subject: "imports.notice.subject", body: "imports.notice.body", open: "imports.notice.open" },
    vars: (locale) => ({ name: data.name, by: data.by, count: String(data.count), manual: String(data.manual), amount: totalsText(data.totals, locale) }),
    url: `${appUrl}/imports/${file.importFileId}`,
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
  const organisations = await db.cashReceiptLine.groupBy({ where: { notifiedAt: null }, by: ["organisationId"] });
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
