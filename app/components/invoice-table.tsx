import { Link } from "react-router";
import { useI18n } from "~/i18n/react";
import type { MessageKey } from "~/i18n";

const badgeColours: Record<string, string> = {
  draft: "bg-slate-100 text-slate-700",
  open: "bg-amber-100 text-amber-800",
  partially_paid: "bg-sky-100 text-sky-800",
  paid: "bg-green-100 text-green-800",
  credited: "bg-violet-100 text-violet-800",
  void: "bg-slate-200 text-slate-500 line-through",
};

export function StatusBadge({ status, overdue }: { status: string; overdue?: boolean }) {
  const { t } = useI18n();
  return (
    <span className="inline-flex gap-1">
      <span className={`rounded-full px-2 py-0.5 text-xs font-medium ${badgeColours[status] ?? ""}`}>{t(`status.${status}` as MessageKey)}</span>
      {overdue ? <span className="rounded-full bg-red-100 px-2 py-0.5 text-xs font-medium text-red-800">{t("invoices.overdue")}</span> : null}
    </span>
  );
}

export interface InvoiceRow {
  id: string;
  number: string | null;
  status: string;
  currency: string;
  issueDate: Date | string;
  dueDate: Date | string;
  totalMinor: number;
  amountDueMinor: number;
  customer: { name: string; company: string };
}

export function isOverdue(invoice: { status: string; dueDate: Date | string }, today = new Date()) {
  return (
    (invoice.status === "open" || invoice.status === "partially_paid") &&
    new Date(invoice.dueDate).getTime() < Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate())
  );
}

export function InvoiceTable({ invoices, showCustomer = true }: { invoices: InvoiceRow[]; showCustomer?: boolean }) {
  const { t, money, date } = useI18n();
  if (invoices.length === 0) return <p className="text-slate-600">{t("invoices.empty")}</p>;
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm">
        <thead className="text-slate-500">
          <tr>
            <th className="py-2">{t("invoices.number")}</th>
            {showCustomer ? <th>{t("invoices.customer")}</th> : null}
            <th>{t("invoices.issueDate")}</th>
            <th>{t("invoices.dueDate")}</th>
            <th>{t("invoices.status")}</th>
            <th className="text-right">{t("invoices.total")}</th>
            <th className="text-right">{t("invoices.amountDue")}</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {invoices.map((invoice) => (
            <tr key={invoice.id}>
              <td className="py-2">
                <Link className="font-medium text-blue-700 hover:underline" to={`/invoices/${invoice.id}`}>
                  {invoice.number ?? t("invoices.draftNoNumber")}
                </Link>
              </td>
              {showCustomer ? <td>{invoice.customer.company || invoice.customer.name}</td> : null}
              <td>{date(invoice.issueDate)}</td>
              <td>{date(invoice.dueDate)}</td>
              <td>
                <StatusBadge status={invoice.status} overdue={isOverdue(invoice)} />
              </td>
              <td className="text-right tabular-nums">{money(invoice.totalMinor, invoice.currency)}</td>
              <td className="text-right tabular-nums">{invoice.status === "draft" ? "—" : money(invoice.amountDueMinor, invoice.currency)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Previous / next (and back to the first page) as plain links carrying the cursor: they work without JavaScript. */
export function InvoicePager({ first, previous, next }: { first: string | null; previous: string | null; next: string | null }) {
  const { t } = useI18n();
  if (!first && !previous && !next) return null;
  return (
    <nav className="mt-4 flex items-center justify-between gap-4 text-sm" aria-label={t("invoices.pagination")}>
      <span className="flex gap-4">
        {first ? (
          <Link className="text-blue-700 underline" to={first}>
            {t("invoices.firstPage")}
          </Link>
        ) : null}
        {previous ? (
          <Link className="text-blue-700 underline" to={previous} rel="prev">
            {t("common.previous")}
          </Link>
        ) : null}
      </span>
      {next ? (
        <Link className="text-blue-700 underline" to={next} rel="next">
          {t("common.next")}
        </Link>
      ) : (
        <span />
      )}
    </nav>
  );
}
