import { Form, useActionData, useLoaderData } from "react-router";
import { z } from "zod";
import { CsrfInput, FormErrors, FormMessage, buttonClass } from "~/components/form";
import { Card, PageHeader } from "~/components/page";
import { debitsReadyForFile, fileDebits } from "~/domain/debit-files/from-requests";
import { listDebitFiles } from "~/domain/debit-files/service";
import { idField } from "~/domain/validation";
import { useI18n } from "~/i18n/react";
import { formatDateTime } from "~/lib/format";
import { parseForm, refuse } from "~/lib/forms.server";
import { requireMember } from "~/lib/session.server";
import type { Route } from "./+types/debit-files";

/** Every notified debit can go in a file: the nightly job notifies a debit only within its notice period. */
const untilFrom = (_now: Date) => new Date("9999-12-31T00:00:00Z");

/**
 * An own-ICS creditor's debit files: the debits that are due (notified to the debtor, issue 15) to put in a
 * new pain.008 file, and the files generated. A debit in a file is never offered again.
 */
export async function loader({ request, context }: Route.LoaderArgs) {
  const { organisation } = await requireMember(request, context, "managePayments");
  const now = new Date();
  const deps = { db: context.db, encryptionKey: context.config.ENCRYPTION_KEY };
  const ready = await debitsReadyForFile(deps, organisation.id, untilFrom(now), now);
  return {
    files: await listDebitFiles(context.db, organisation.id),
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
    })),
  };
}

const fileSchema = z.object({ requestIds: z.preprocess((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]), z.array(idField).max(5000)) });

export async function action({ request, context }: Route.ActionArgs) {
  const { organisation, session } = await requireMember(request, context, "managePayments");
  const submission = await parseForm(request, context, fileSchema);
  if (submission.status !== "success") return refuse(submission);
  if (!submission.value.requestIds.length) return refuse(submission, { formErrors: ["debitFiles.errors.nothingChosen"] });
  const now = new Date();
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
  const { files, ready } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <div className="max-w-5xl space-y-6">
      <PageHeader title={t("debitFiles.title")}>
        <p className="text-slate-600">{t("debitFiles.intro")}</p>
      </PageHeader>
      {actionData && "created" in actionData ? <FormMessage success={t("debitFiles.created")} /> : null}
      <Card title={t("debitFiles.ready.title")}>
        <FormErrors result={actionData?.result} />
        {ready.length === 0 ? (
          <p className="text-slate-600" data-testid="no-debit-ready">
            {t("debitFiles.ready.none")}
          </p>
        ) : (
          <Form method="post" className="space-y-3">
            <CsrfInput />
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
                        <input type="checkbox" name="requestIds" value={r.id} defaultChecked aria-label={`${r.debtor} ${r.invoice}`} />
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
            <button className={buttonClass}>{t("debitFiles.generate")}</button>
          </Form>
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
