/** Issue 14: the recorded payments (and their reversals) applied to an invoice, on its page. */
import { Link } from "react-router";
import { useI18n } from "~/i18n/react";
import { useMethodLabel } from "./account";
import { Card } from "./page";

type Allocation = {
  id: string;
  amountMinor: number;
  currency: string;
  receipt: { id: string; kind: string; method: string; receivedOn: string | Date; reference: string; origin: string; reason: string };
};

export function InvoiceReceipts({ allocations }: { allocations: Allocation[] }) {
  const { t, money, date } = useI18n();
  const methodLabel = useMethodLabel();
  if (!allocations.length) return null;
  return (
    <Card title={t("receipt.onInvoice")}>
      <ul className="space-y-1 text-sm">
        {allocations.map((a) => (
          <li key={a.id}>
            <Link className="text-blue-700 hover:underline" to={`/receipts/${a.receipt.id}`}>
              {a.receipt.kind === "reversal"
                ? // A reversal from a bank return (a statement, a debit file) says so, with the bank's reason.
                  a.receipt.origin !== "manual"
                  ? t("receipt.onInvoiceReturn", { date: date(a.receipt.receivedOn), amount: money(a.amountMinor, a.currency), reason: a.receipt.reason })
                  : t("receipt.onInvoiceReversal", { date: date(a.receipt.receivedOn), amount: money(a.amountMinor, a.currency) })
                : t("receipt.onInvoiceLine", {
                    method: methodLabel(a.receipt.method),
                    date: date(a.receipt.receivedOn),
                    amount: money(a.amountMinor, a.currency),
                  })}
            </Link>
            {a.receipt.reference ? <span className="text-slate-500"> — {a.receipt.reference}</span> : null}
          </li>
        ))}
      </ul>
    </Card>
  );
}
