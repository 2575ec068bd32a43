import { useLoaderData } from "react-router";
import { Card, PageHeader } from "~/components/page";
import { listDebitFiles } from "~/domain/debit-files/service";
import { useI18n } from "~/i18n/react";
import { formatDateTime } from "~/lib/format";
import { requireMember } from "~/lib/session.server";
import type { Route } from "./+types/debit-files";

/**
 * The debit files generated for an own-ICS creditor. Choosing debit requests to put in a new file
 * comes with the debit requests (issue 15): `createDebitFile` is the domain's entry point.
 */
export async function loader({ request, context }: Route.LoaderArgs) {
  const { organisation } = await requireMember(request, context, "managePayments");
  return { files: await listDebitFiles(context.db, organisation.id) };
}

export default function DebitFiles() {
  const { t, locale, money } = useI18n();
  const { files } = useLoaderData<typeof loader>();
  return (
    <div className="max-w-5xl space-y-6">
      <PageHeader title={t("debitFiles.title")}>
        <p className="text-slate-600">{t("debitFiles.intro")}</p>
      </PageHeader>
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
