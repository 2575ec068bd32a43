import { Form, useActionData, useLoaderData } from "react-router";
import { z } from "zod";
import { CsrfInput, FormErrors, FormMessage, buttonClass } from "~/components/form";
import { Card, PageHeader } from "~/components/page";
import { filedDebits, returnDebitIn } from "~/domain/debit-files/collection";
import { debitsReadyForFile, fileDebits } from "~/domain/debit-files/from-requests";
import { listDebitFiles } from "~/domain/debit-files/service";
import { type DebitStatus, RETURN_REASONS, returnReasonText } from "~/domain/debits/statuses";
import { idField } from "~/domain/validation";
import { useI18n } from "~/i18n/react";
import { formatDateTime } from "~/lib/format";
import { parseForm, refuse } from "~/lib/forms.server";
import { notFound } from "~/lib/http.server";
import { requireMember } from "~/lib/session.server";
import type { Route } from "./+types/debit-files";

/** Debits collected within this many days are ticked by default (banks take files up to about two weeks ahead). */
const SOON_DAYS = 14;

/** Every notified debit can go in a file: the nightly job notifies a debit only within its notice period. */
const untilFrom = (_now: Date) => new Date("9999-12-31T00:00:00Z");

/**
 * An own-ICS creditor's debit files: the debits that are due (notified to the debtor, issue 15) to put in a
 * new pain.008 file, the debits already sent (greyed: never offered again; a reject can be reported on
 * each), and the files generated.
 */
export async function loader({ request, context }: Route.LoaderArgs) {
  const { organisation } = await requireMember(request, context, "manageDebitFiles");
  const now = new Date();
  const deps = { db: context.db, encryptionKey: context.config.ENCRYPTION_KEY };
  const ready = await debitsReadyForFile(deps, organisation.id, untilFrom(now), now);
  const [files, filed] = await Promise.all([listDebitFiles(context.db, organisation.id), filedDebits(context.db, organisation.id)]);
  const messageIds = new Map(files.map((f) => [f.id, f.messageId]));
  return {
    files,
    filed: filed.map((d) => ({
      id: d.id,
      debtor: d.mandate.holderName,
      reference: d.mandate.reference,
      amountMinor: d.amountMinor,
      currency: d.currency,
      collectionDate: d.collectionDate,
      sequenceType: d.sequenceType,
      status: d.status as DebitStatus,
      failureReason: d.failureReason ?? "",
      invoice: d.invoice?.number ?? "",
      file: messageIds.get(d.submittedInFileId ?? "") ?? "",
    })),
    // Never the IBAN in clear on the page: the file carries it.
    ready: ready.map((r) => ({
      id: r.id,
      debtor: r.mandate.holderName,
      reference: r.mandate.reference,
      iban: `•••• ${r.mandate.iban.slice(-4)}`,
      amountMinor: r.amountMinor,
      currency: r.currency,
      collectionDate: r.collectionDate,
      sequenceType: r.sequenceType,
      invoice: r.invoice?.number ?? "",
      // Ticked by default: what the bank should have now; later ones can wait for a later file.
      soon: r.collectionDate.getTime() <= now.getTime() + SOON_DAYS * 86_400_000,
    })),
  };
}

const debitFileActions = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("file"),
    requestIds: z.preprocess((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]), z.array(idField).max(5000)),
  }),
  // The bank's notice of a reject or a return, entered by hand (a camt.053 statement does it on import).
  z.object({ intent: z.literal("return"), requestId: idField, reason: z.enum(RETURN_REASONS, { error: "errors.invalid" }) }),
]);

export async function action({ request, context }: Route.ActionArgs) {
  const { organisation, session } = await requireMember(request, context, "manageDebitFiles");
  const submission = await parseForm(request, context, debitFileActions);
  if (submission.status !== "success") return refuse(submission);
  const now = new Date();
  if (submission.value.intent === "return") {
    const { requestId, reason } = submission.value;
    const today = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
    const returned = await context.db.$transaction((tx) =>
      returnDebitIn(tx, organisation.id, requestId, { reason, userId: session.user.id, on: today, now, appUrl: context.config.APP_URL }),
    );
    if (!returned) return notFound();
    if (!returned.ok) return refuse(submission, { formErrors: [returned.error] });
    return { result: null, returned: requestId };
  }
  if (!submission.value.requestIds.length) return refuse(submission, { formErrors: ["debitFiles.errors.nothingChosen"] });
  const result = await fileDebits(
    { db: context.db, encryptionKey: context.config.ENCRYPTION_KEY },
    organisation.id,
    { requestIds: submission.value.requestIds, until: untilFrom(now) },
    session.user.id,
    now,
  );
  if (!result.ok) return refuse(submission, { formErrors: [result.error] });
  return { result: null, created: result.debitFileId };
}

export default function DebitFiles() {
  const { t, locale, money, date } = useI18n();
  const { files, ready, filed } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <div className="max-w-5xl space-y-6">
      <PageHeader title={t("debitFiles.title")}>
        <p className="text-slate-600">{t("debitFiles.intro")}</p>
      </PageHeader>
      {actionData && "created" in actionData ? <FormMessage success={t("debitFiles.created")} /> : null}
      {actionData && "returned" in actionData ? <FormMessage success={t("debitFiles.return.done")} /> : null}
      <Card title={t("debitFiles.ready.title")}>
        <FormErrors result={actionData?.result} />
        {ready.length === 0 ? (
          <p className="text-slate-600" data-testid="no-debit-ready">
            {t("debitFiles.ready.none")}
          </p>
        ) : (
          <Form method="post" className="space-y-3">
            <CsrfInput />
            <p className="text-sm text-slate-600">{t("debitFiles.ready.hint", { days: String(SOON_DAYS) })}</p>
            <div className="overflow-x-auto">
              <table className="w-full text-left text-sm" data-testid="debits-ready">
                <thead className="text-slate-500">
                  <tr>
                    <th className="py-2" />
                    <th>{t("debitFiles.ready.collection")}</th>
                    <th>{t("debitFiles.ready.debtor")}</th>
                    <th>{t("debitFiles.ready.mandate")}</th>
                    <th>{t("debitFiles.ready.sequence")}</th>
                    <th className="text-right">{t("debitFiles.total")}</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {ready.map((r) => (
                    <tr key={r.id}>
                      <td className="py-2">
                        <input type="checkbox" name="requestIds" value={r.id} defaultChecked={r.soon} aria-label={`${r.debtor} ${r.invoice}`} />
                      </td>
                      <td className="whitespace-nowrap">{date(r.collectionDate)}</td>
                      <td>
                        {r.debtor} <span className="text-slate-500">{r.iban}</span>
                        {r.invoice ? <span className="block text-xs text-slate-500">{r.invoice}</span> : null}
                      </td>
                      <td>
                        <code className="text-xs">{r.reference}</code>
                      </td>
                      <td>{r.sequenceType}</td>
                      <td className="text-right whitespace-nowrap">{money(r.amountMinor, r.currency)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <button name="intent" value="file" className={buttonClass}>
              {t("debitFiles.generate")}
            </button>
          </Form>
        )}
      </Card>
      <Card title={t("debitFiles.filed.title")}>
        <p className="text-sm text-slate-600">{t("debitFiles.filed.intro")}</p>
        {filed.length === 0 ? (
          <p className="mt-2 text-slate-600">{t("debitFiles.filed.none")}</p>
        ) : (
          <div className="mt-2 overflow-x-auto">
            <table className="w-full text-left text-sm" data-testid="debits-filed">
              <thead className="text-slate-500">
                <tr>
                  <th className="py-2" />
                  <th>{t("debitFiles.ready.collection")}</th>
                  <th>{t("debitFiles.ready.debtor")}</th>
                  <th>{t("debitFiles.filed.file")}</th>
                  <th>{t("debits.status")}</th>
                  <th className="text-right">{t("debitFiles.total")}</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {filed.map((d) => (
                  // Greyed: in a file already, never selectable again.
                  <tr key={d.id} className="text-slate-500" data-status={d.status}>
                    <td className="py-2">
                      <input type="checkbox" disabled aria-label={`${d.debtor} ${d.invoice}`} />
                    </td>
                    <td className="whitespace-nowrap">{date(d.collectionDate)}</td>
                    <td>
                      {d.debtor} <code className="text-xs">{d.reference}</code>
                      {d.invoice ? <span className="block text-xs">{d.invoice}</span> : null}
                    </td>
                    <td>
                      <code className="text-xs">{d.file}</code>
                    </td>
                    <td>
                      {t(`debits.status.${d.status}`)}
                      {d.failureReason ? <span className="block text-xs">{returnReasonText(t, d.failureReason)}</span> : null}
                      {d.status === "submitted" || d.status === "paid" ? (
                        <details className="text-slate-700">
                          <summary className="cursor-pointer text-xs text-blue-700">{t("debitFiles.return.open")}</summary>
                          <Form method="post" className="mt-1 flex flex-wrap items-end gap-2">
                            <CsrfInput />
                            <input type="hidden" name="requestId" value={d.id} />
                            <label className="text-xs">
                              {t("debitFiles.return.reason")}
                              <select name="reason" className="mt-1 block rounded border border-slate-300 px-2 py-1 text-sm" defaultValue="AM04">
                                {RETURN_REASONS.map((code) => (
                                  <option key={code} value={code}>
                                    {code} — {t(`debitReturn.reason.${code}`)}
                                  </option>
                                ))}
                              </select>
                            </label>
                            <button name="intent" value="return" className="rounded border border-red-300 px-2 py-1 text-xs text-red-700 hover:bg-red-50">
                              {t("debitFiles.return.submit")}
                            </button>
                          </Form>
                        </details>
                      ) : null}
                    </td>
                    <td className="text-right whitespace-nowrap">{money(d.amountMinor, d.currency)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
      <Card>
        {files.length === 0 ? (
          <p>{t("debitFiles.empty")}</p>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm">
              <thead className="text-slate-500">
                <tr>
                  <th className="py-2">{t("debitFiles.date")}</th>
                  <th>{t("debitFiles.format")}</th>
                  <th className="text-right">{t("debitFiles.count")}</th>
                  <th className="text-right">{t("debitFiles.total")}</th>
                  <th />
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {files.map((f) => (
                  <tr key={f.id}>
                    <td className="py-2 whitespace-nowrap">{formatDateTime(f.createdAt, locale)}</td>
                    <td>
                      {f.format}
                      <code className="block text-xs text-slate-500">{f.messageId}</code>
                    </td>
                    <td className="text-right">{f.transactionCount}</td>
                    <td className="text-right whitespace-nowrap">{money(f.controlSumMinor, f.currency)}</td>
                    <td className="text-right">
                      <a href={`/debit-files/${f.id}`} className="text-blue-700 hover:underline" download>
                        {t("debitFiles.download")}
                      </a>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
    </div>
  );
}
