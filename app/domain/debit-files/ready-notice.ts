/**
 * Telling the books' contact that own-ICS debits are ready for a bank file (issue 16; seed 002: the
 * software "reçoit un message" when a debit is requested): after the nightly debit job, one notice per
 * organisation for the debits that became ready (notified to the debtor, in no file) since the last one.
 * The requests are claimed (`readyToldAt`) in the transaction that tells, so two workers tell once.
 */
import type { Db } from "~/lib/db.server";
import { DEBITS_READY_NOTICE_KIND } from "../journal/kinds";
import { tellBooksContact, totalsOf, totalsText } from "../journal/notice";

const READY_UNTOLD = { creditorKind: "own_ics", status: "notified", submittedInFileId: null, readyToldAt: null } as const;

/** Answers the number of debits told about. */
export async function noticeReadyDebits(db: Db, appUrl: string, now: Date): Promise<number> {
  const organisations = await db.debitRequest.groupBy({ where: READY_UNTOLD, by: ["organisationId"] });
  let told = 0;
  for (const { organisationId } of organisations) {
    told += await db.$transaction(async (tx) => {
      const ready = await tx.debitRequest.findMany({
        where: { ...READY_UNTOLD, organisationId },
        orderBy: { createdAt: "asc" },
        select: { id: true, amountMinor: true, currency: true },
      });
      if (!ready.length) return 0;
      await tx.debitRequest.updateMany({ where: { id: { in: ready.map((r) => r.id) } }, data: { readyToldAt: now } });
      const totals = totalsOf(ready);
      await tellBooksContact(tx, organisationId, {
        kind: DEBITS_READY_NOTICE_KIND,
        dedupeKey: `${DEBITS_READY_NOTICE_KIND}/${organisationId}/${ready[0].id}`,
        data: { count: ready.length, totals },
        keys: { subject: "debitFiles.notice.subject", body: "debitFiles.notice.body", open: "debitFiles.generate" },
        vars: (locale) => ({ count: String(ready.length), amount: totalsText(totals, locale) }),
        url: `${appUrl}/debit-files`,
      });
      return ready.length;
    });
  }
  return told;
}
