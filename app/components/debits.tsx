import type { ReactNode } from "react";
import type { MessageKey } from "~/i18n";
import { returnReasonText } from "~/domain/debits/statuses";
import { useI18n } from "~/i18n/react";

/** One automatic collection as pages show it (issue 15, docs/decisions/0020). */
export interface DebitItem {
  id: string;
  kind: string;
  amountMinor: number;
  currency: string;
  collectionDate: Date | string;
  status: string;
  instalmentNumber: number | null;
  instalmentCount: number | null;
  failureReason?: string | null;
  invoice: { id: string; number: string | null } | null;
  mandate?: { id: string; reference: string };
  customer?: { id: string; name: string; company: string };
}

export const debitStatusKey = (status: string) => `debits.status.${status}` as MessageKey;

export function DebitWhat({ debit }: { debit: DebitItem }) {
  const { t } = useI18n();
  return debit.kind === "instalment"
    ? t("debits.kind.instalment", { n: debit.instalmentNumber ?? 0, count: debit.instalmentCount ?? 0 })
    : t("debits.kind.invoice", { number: debit.invoice?.number ?? "" });
}

/** A table of collections: date, what, amount, status (and the customer, for the merchant's list). */
export function DebitTable({
  debits,
  customerLink,
  invoiceLink,
}: {
  debits: DebitItem[];
  customerLink?: (id: string) => string;
  invoiceLink?: (id: string) => string;
}) {
  const { t, money, date } = useI18n();
  if (!debits.length) return <p className="text-sm text-slate-600">{t("debits.none")}</p>;
  return (
    <table className="w-full text-left text-sm" data-testid="debits">
      <thead className="text-slate-500">
        <tr>
          <th className="py-1 pr-3 font-medium">{t("debits.date")}</th>
          {customerLink ? <th className="py-1 pr-3 font-medium">{t("debits.customer")}</th> : null}
          <th className="py-1 pr-3 font-medium">{t("debits.what")}</th>
          <th className="py-1 pr-3 text-right font-medium">{t("debits.amount")}</th>
          <th className="py-1 font-medium">{t("debits.status")}</th>
        </tr>
      </thead>
      <tbody>
        {debits.map((d) => (
          <tr key={d.id} className="border-t border-slate-100" data-testid="debit">
            <td className="py-1 pr-3">{date(d.collectionDate)}</td>
            {customerLink && d.customer ? (
              <td className="py-1 pr-3">
                <a className="text-blue-700 hover:underline" href={customerLink(d.customer.id)}>
                  {d.customer.company || d.customer.name}
                </a>
              </td>
            ) : null}
            <td className="py-1 pr-3">
              {invoiceLink && d.invoice ? (
                <a className="text-blue-700 hover:underline" href={invoiceLink(d.invoice.id)}>
                  <DebitWhat debit={d} />
                </a>
              ) : (
                <DebitWhat debit={d} />
              )}
            </td>
            <td className="py-1 pr-3 text-right tabular-nums">{money(d.amountMinor, d.currency)}</td>
            <td className="py-1" data-testid="debit-status">
              {t(debitStatusKey(d.status))}
              {d.failureReason ? <span className="text-xs text-slate-500"> ({returnReasonText(t, d.failureReason)})</span> : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The three collections of a spread balance, shown before signing: dates and amounts adding up to the balance. */
export function SpreadPreview({
  plan,
  children,
}: {
  plan: { totalMinor: number; currency: string; collections: { date: Date | string; amountMinor: number }[] };
  children?: ReactNode;
}) {
  const { t, money, date } = useI18n();
  if (!plan.collections.length) return <p className="text-xs text-slate-500">{t("debits.spread.none")}</p>;
  return (
    <div className="text-xs text-slate-600" data-testid="spread-preview">
      <p>{t("debits.spread.hint", { amount: money(plan.totalMinor, plan.currency) })}</p>
      <ul className="ml-4 list-disc">
        {plan.collections.map((c) => (
          <li key={String(c.date)}>{t("debits.spread.line", { date: date(c.date), amount: money(c.amountMinor, plan.currency) })}</li>
        ))}
      </ul>
      {children}
    </div>
  );
}
