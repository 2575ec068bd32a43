import { useLoaderData } from "react-router";
import { useMethodLabel } from "~/components/account";
import { Card } from "~/components/page";
import { paymentsOf } from "~/domain/customer-space/account";
import type { MessageKey } from "~/i18n";
import { useI18n } from "~/i18n/react";
import { requireCustomer } from "~/lib/customer-session.server";
import type { Route } from "./+types/space-payments";

/** Every payment of the customer and where it stands: online ones (in progress, received, failed, charged back) and those the merchant recorded. */
export async function loader({ request, params, context }: Route.LoaderArgs) {
  const { customer, organisation } = await requireCustomer(request, context, params.orgId);
  return { merchant: organisation.legalName, payments: await paymentsOf(context.db, organisation.id, customer.id) };
}

const SOURCE_KEYS: Record<string, MessageKey> = {
  online: "space.payments.source.online",
  recorded: "space.payments.source.recorded",
  reversal: "space.payments.source.reversal",
};

export default function SpacePayments() {
  const { t, money, date } = useI18n();
  const method = useMethodLabel();
  const { merchant, payments } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-6">
      <title>{`${t("space.payments.title")} — ${merchant}`}</title>
      <h1 className="text-2xl font-bold">{t("space.payments.title")}</h1>
      <Card>
        {payments.length === 0 ? (
          <p className="text-slate-600">{t("space.payments.none")}</p>
        ) : (
          <>
            {/* On a phone, one block per payment: five columns do not fit 390 px. */}
            <ul className="divide-y divide-slate-100 text-sm sm:hidden" data-testid="space-payments-narrow">
              {payments.map((p) => (
                <li key={`${p.source}|${p.id}`} className="py-3">
                  <p className="flex justify-between gap-3">
                    <span>{date(p.date)}</span>
                    <span className="font-medium">{money(p.source === "reversal" ? -p.amountMinor : p.amountMinor, p.currency)}</span>
                  </p>
                  <p>
                    {t(SOURCE_KEYS[p.source])} — {method(p.method)}
                    {p.invoiceNumbers.length
                      ? ` — ${t(p.invoiceNumbers.length > 1 ? "space.payments.forInvoices" : "space.payments.forInvoice", { number: p.invoiceNumbers.join(", ") })}`
                      : ""}
                    {p.reference ? <span className="text-slate-500"> — {p.reference}</span> : null}
                  </p>
                  <p className={p.status === "processing" ? "font-medium text-amber-700" : p.status === "confirmed" ? "text-slate-600" : "text-red-700"}>
                    {t(`payments.status.${p.status}` as MessageKey)}
                  </p>
                </li>
              ))}
            </ul>
            <div className="hidden overflow-x-auto sm:block">
              <table className="w-full text-left text-sm" data-testid="space-payments">
                <thead className="text-slate-500">
                  <tr>
                    <th className="py-2">{t("account.date")}</th>
                    <th>{t("space.payments.what")}</th>
                    <th>{t("space.payments.method")}</th>
                    <th>{t("space.payments.state")}</th>
                    <th className="text-right">{t("space.payments.amount")}</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {payments.map((p) => (
                    <tr key={`${p.source}|${p.id}`}>
                      <td className="py-2 whitespace-nowrap">{date(p.date)}</td>
                      <td>
                        {t(SOURCE_KEYS[p.source])}
                        {p.invoiceNumbers.length
                          ? ` — ${t(p.invoiceNumbers.length > 1 ? "space.payments.forInvoices" : "space.payments.forInvoice", { number: p.invoiceNumbers.join(", ") })}`
                          : ""}
                        {p.reference ? <span className="text-slate-500"> — {p.reference}</span> : null}
                      </td>
                      <td>{method(p.method)}</td>
                      <td className={p.status === "processing" ? "font-medium text-amber-700" : p.status === "confirmed" ? "" : "text-red-700"}>
                        {t(`payments.status.${p.status}` as MessageKey)}
                      </td>
                      <td className="text-right">{money(p.source === "reversal" ? -p.amountMinor : p.amountMinor, p.currency)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
      </Card>
    </div>
  );
}
