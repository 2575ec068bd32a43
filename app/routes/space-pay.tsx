import { Link, useLoaderData } from "react-router";
import { Card } from "~/components/page";
import { overviewOf } from "~/domain/customer-space/account";
import { useI18n } from "~/i18n/react";
import { requireCustomer } from "~/lib/customer-session.server";
import { spacePath } from "~/lib/space-path";
import type { Route } from "./+types/space-pay";

/**
 * "Payer votre solde" (issue 14): a placeholder for the lead's balance payment by card or debit, which
 * replaces this page. The home links here only when something is due. The session gives the customer
 * and organisation (`requireCustomer`); `overviewOf` gives the balance per currency.
 */
export async function loader({ request, params, context }: Route.LoaderArgs) {
  const { customer, organisation } = await requireCustomer(request, context, params.orgId);
  const { balances } = await overviewOf(context.db, organisation.id, customer.id);
  return { orgId: organisation.id, merchant: organisation.legalName, due: balances.filter((b) => b.balanceMinor > 0) };
}

export default function SpacePay() {
  const { t, money } = useI18n();
  const { orgId, merchant, due } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-6">
      <title>{`${t("space.pay.button")} — ${merchant}`}</title>
      <h1 className="text-2xl font-bold">{t("space.pay.button")}</h1>
      <Card>
        <ul className="mb-3 space-y-1">
          {due.map((b) => (
            <li key={b.currency}>{t("account.balanceOwed", { amount: money(b.balanceMinor, b.currency) })}</li>
          ))}
        </ul>
        <p className="text-slate-600" data-testid="pay-soon">
          {t("space.pay.soon")}
        </p>
        <p className="mt-4 text-sm">
          <Link className="text-blue-700 hover:underline" to={spacePath(orgId)}>
            {t("common.back")}
          </Link>
        </p>
      </Card>
    </div>
  );
}
