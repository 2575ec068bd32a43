import { useLoaderData } from "react-router";
import { Card } from "~/components/page";
import { creditNotesOfCustomer } from "~/domain/credit-notes/service";
import { invoicesOf } from "~/domain/customer-space/account";
import type { MessageKey } from "~/i18n";
import { useI18n } from "~/i18n/react";
import { requireCustomer } from "~/lib/customer-session.server";
import { spacePath } from "~/lib/space-path";
import type { Route } from "./+types/space-invoices";

/** The customer's invoices and credit notes, each with its PDF. */
export async function loader({ request, params, context }: Route.LoaderArgs) {
  const { customer, organisation } = await requireCustomer(request, context, params.orgId);
  const [invoices, creditNotes] = await Promise.all([
    invoicesOf(context.db, organisation.id, customer.id),
    creditNotesOfCustomer(context.db, organisation.id, customer.id),
  ]);
  return { orgId: organisation.id, merchant: organisation.legalName, invoices, creditNotes };
}

export default function SpaceInvoices() {
  const { t, money, date } = useI18n();
  const { orgId, merchant, invoices, creditNotes } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-6">
      <title>{`${t("space.invoices.title")} — ${merchant}`}</title>
      <h1 className="text-2xl font-bold">{t("space.invoices.title")}</h1>
      <Card>
        {invoices.length === 0 ? (
          <p className="text-slate-600">{t("space.invoices.none")}</p>
        ) : (
          <>
            {/* On a phone, one block per invoice: seven columns do not fit 390 px. */}
            <ul className="divide-y divide-slate-100 text-sm sm:hidden" data-testid="space-invoices-narrow">
              {invoices.map((invoice) => (
                <li key={invoice.id} className="py-3">
                  <p className="flex justify-between gap-3">
                    <span className="font-medium">{invoice.number}</span>
                    <span>{t(`status.${invoice.status}` as MessageKey)}</span>
                  </p>
                  <p className="text-slate-600">
                    {t("space.invoices.issued")} {date(invoice.issueDate)} · {t("space.invoices.due")} {date(invoice.dueDate)}
                  </p>
                  <p className="flex justify-between gap-3">
                    <span>
                      {t("invoices.total")} {money(invoice.totalMinor, invoice.currency)}
                      {invoice.status === "void" ? null : ` · ${t("invoices.amountDue")} ${money(invoice.amountDueMinor, invoice.currency)}`}
                    </span>
                    <a className="text-blue-700 hover:underline" href={spacePath(orgId, `/factures/${invoice.id}/pdf`)}>
                      {t("space.invoices.pdf")}
                    </a>
                  </p>
                </li>
              ))}
            </ul>
            <div className="hidden overflow-x-auto sm:block">
              <table className="w-full text-left text-sm">
                <thead className="text-slate-500">
                  <tr>
                    <th className="py-2">{t("invoices.number")}</th>
                    <th>{t("space.invoices.issued")}</th>
                    <th>{t("space.invoices.due")}</th>
                    <th>{t("space.invoices.status")}</th>
                    <th className="text-right">{t("invoices.total")}</th>
                    <th className="text-right">{t("invoices.amountDue")}</th>
                    <th />
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {invoices.map((invoice) => (
                    <tr key={invoice.id}>
                      <td className="py-2 font-medium">{invoice.number}</td>
                      <td>{date(invoice.issueDate)}</td>
                      <td>{date(invoice.dueDate)}</td>
                      <td>{t(`status.${invoice.status}` as MessageKey)}</td>
                      <td className="text-right">{money(invoice.totalMinor, invoice.currency)}</td>
                      <td className="text-right">{invoice.status === "void" ? "" : money(invoice.amountDueMinor, invoice.currency)}</td>
                      <td className="text-right">
                        <a className="text-blue-700 hover:underline" href={spacePath(orgId, `/factures/${invoice.id}/pdf`)}>
                          {t("space.invoices.pdf")}
                        </a>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
      </Card>
      {creditNotes.length ? (
        <Card title={t("space.creditNotes.title")}>
          <ul className="divide-y divide-slate-100 text-sm" data-testid="space-credit-notes">
            {creditNotes.map((note) => (
              <li key={note.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
                <span>{t("space.creditNotes.line", { number: note.number, invoice: note.invoice.number ?? "", date: date(note.issueDate) })}</span>
                <span className="flex items-center gap-4">
                  <span>{money(note.totalMinor, note.currency)}</span>
                  <a className="text-blue-700 hover:underline" href={spacePath(orgId, `/avoirs/${note.id}/pdf`)}>
                    {t("space.invoices.pdf")}
                  </a>
                </span>
              </li>
            ))}
          </ul>
        </Card>
      ) : null}
    </div>
  );
}
