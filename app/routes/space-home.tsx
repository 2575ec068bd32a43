import { Link, useLoaderData } from "react-router";
import { BalanceText } from "~/components/account";
import { buttonClass } from "~/components/form";
import { Card } from "~/components/page";
import { accountReference, bankDetailsOf, overviewOf } from "~/domain/customer-space/account";
import { liveRecurrentMandate, upcomingDebitsOfCustomer } from "~/domain/debits/service";
import type { MessageKey } from "~/i18n";
import { useI18n } from "~/i18n/react";
import { requireCustomer } from "~/lib/customer-session.server";
import { spacePath } from "~/lib/space-path";
import type { Route } from "./+types/space-home";

/** The space's home: the balance per currency, money on its way, how to pay by transfer; "Payer votre solde" only when something is due. */
export async function loader({ request, params, context }: Route.LoaderArgs) {
  const { customer, organisation } = await requireCustomer(request, context, params.orgId);
  const [{ balances, inProgress, somethingDue }, automatic, upcoming] = await Promise.all([
    overviewOf(context.db, organisation.id, customer.id),
    liveRecurrentMandate(context.db, organisation.id, customer.id),
    upcomingDebitsOfCustomer(context.db, organisation.id, customer.id),
  ]);
  return {
    orgId: organisation.id,
    merchant: organisation.legalName,
    customerName: customer.company || customer.name,
    balances,
    inProgress,
    somethingDue,
    // Issue 15: in automatic debit there is no "Payer votre solde": the balance is collected on the mandate.
    automatic: Boolean(automatic),
    nextDebits: upcoming.slice(0, 3).map((d) => ({ date: d.collectionDate, amountMinor: d.amountMinor, currency: d.currency })),
    bank: bankDetailsOf(organisation),
    reference: accountReference(customer),
  };
}

export default function SpaceHome() {
  const { t, money, date } = useI18n();
  const { orgId, merchant, customerName, balances, inProgress, somethingDue, automatic, nextDebits, bank, reference } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-6">
      <title>{`${t("space.home.title")} — ${merchant}`}</title>
      <div>
        <h1 className="text-2xl font-bold">{t("space.home.title")}</h1>
        <p className="text-slate-600">{t("space.home.intro", { name: customerName, merchant })}</p>
      </div>
      <Card title={t("account.balance")}>
        {balances.length === 0 ? <p className="text-slate-600">{t("account.noMovements")}</p> : null}
        <ul className="space-y-1" data-testid="space-balance">
          {balances.map((b) => (
            <li key={b.currency} className="text-lg">
              {t("account.balanceIn", { currency: b.currency })} <BalanceText minor={b.balanceMinor} currency={b.currency} />
            </li>
          ))}
        </ul>
        {automatic ? (
          <div className="mt-3 space-y-1 text-sm text-slate-700" data-testid="automatic-debit">
            <p>{t("debits.automaticInstead")}</p>
            {nextDebits.length ? (
              <p>{t("debits.nextDates", { dates: nextDebits.map((d) => `${date(d.date)} (${money(d.amountMinor, d.currency)})`).join(", ") })}</p>
            ) : null}
            <Link className="text-blue-700 hover:underline" to={spacePath(orgId, "/prelevement")}>
              {t("space.nav.debit")}
            </Link>
          </div>
        ) : null}
        <div className="mt-4 flex flex-wrap gap-3">
          {/* The lead's "Payer votre solde" (routes/space-pay.tsx): offered only when something is due. */}
          {somethingDue && !automatic ? (
            <Link className={buttonClass} to={spacePath(orgId, "/payer")} data-testid="pay-balance">
              {t("space.pay.button")}
            </Link>
          ) : null}
          <Link className="self-center text-sm text-blue-700 hover:underline" to={spacePath(orgId, "/releve")}>
            {t("account.statement")}
          </Link>
        </div>
      </Card>
      {inProgress.length ? (
        <Card title={t("space.home.inProgress")}>
          <ul className="space-y-1 text-sm" data-testid="space-in-progress">
            {inProgress.map((p) => (
              <li key={p.id}>
                {t(p.invoiceNumber ? "space.home.inProgressLine" : "space.home.inProgressLineAccount", {
                  amount: money(p.amountMinor, p.currency),
                  method: t(`payments.inFlightMethod.${p.method}` as MessageKey),
                  date: date(p.startedAt),
                  number: p.invoiceNumber ?? "",
                })}
              </li>
            ))}
          </ul>
          <p className="mt-2 text-xs text-slate-500">{t("space.home.inProgressHint")}</p>
        </Card>
      ) : null}
      <Card title={t("space.bank.title")}>
        {bank ? (
          <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm" data-testid="space-bank">
            <dt className="text-slate-500">{t("space.bank.holder")}</dt>
            <dd>{merchant}</dd>
            <dt className="text-slate-500">{t("space.bank.iban")}</dt>
            <dd className="font-mono">{bank.iban}</dd>
            {bank.bic ? (
              <>
                <dt className="text-slate-500">{t("space.bank.bic")}</dt>
                <dd className="font-mono">{bank.bic}</dd>
              </>
            ) : null}
            <dt className="text-slate-500">{t("space.bank.reference")}</dt>
            <dd className="font-mono font-semibold" data-testid="space-reference">
              {reference}
            </dd>
          </dl>
        ) : (
          <p className="text-sm text-slate-600">{t("space.bank.none", { merchant })}</p>
        )}
        {bank ? <p className="mt-2 text-xs text-slate-500">{t("space.bank.hint")}</p> : null}
      </Card>
      <p className="text-sm">
        <Link className="text-blue-700 hover:underline" to={spacePath(orgId, "/mot-de-passe")}>
          {t("auth.changeTitle")}
        </Link>
      </p>
    </div>
  );
}
