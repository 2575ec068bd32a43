import { Form, Link, useLoaderData } from "react-router";
import { MovementsTable } from "~/components/account";
import { inputClass, secondaryButtonClass } from "~/components/form";
import { Card, PageHeader } from "~/components/page";
import { statementFor, statementSearch } from "~/domain/accounts/statement-query";
import { accountMovements } from "~/domain/accounts/receipts";
import { getCustomer } from "~/domain/customers";
import { todayUtc } from "~/domain/validation";
import { useI18n } from "~/i18n/react";
import { notFound } from "~/lib/http.server";
import { requireMember } from "~/lib/session.server";
import type { Route } from "./+types/customer-statement";

/** The account statement for a period: carried-forward balance, the period's movements with the running balance, closing balance. */
export async function loader({ request, params, context }: Route.LoaderArgs) {
  const { organisation } = await requireMember(request, context, "viewInvoices");
  const customer = (await getCustomer(context.db, organisation.id, params.customerId)) ?? notFound();
  const movements = await accountMovements(context.db, organisation.id, customer.id);
  const { statement, currencies, query } = statementFor(movements, new URL(request.url).searchParams, todayUtc(new Date()), organisation.defaultCurrency);
  return {
    customer: { id: customer.id, name: customer.name },
    statement,
    currencies,
    query,
  };
}

export default function CustomerStatement() {
  const { t, money, date } = useI18n();
  const { customer, statement, currencies, query } = useLoaderData<typeof loader>();
  return (
    <div className="max-w-5xl space-y-6">
      <PageHeader title={`${t("account.statement")} — ${customer.name}`}>
        <p className="text-slate-600">{t("account.statementPeriod", { from: date(statement.from), to: date(statement.to) })}</p>
        <p className="text-sm">
          <Link className="text-blue-700 hover:underline" to={`/customers/${customer.id}`}>
            {t("common.back")}
          </Link>
        </p>
      </PageHeader>
      <Form method="get" className="flex flex-wrap items-end gap-3">
        <label className="text-sm">
          {t("account.statementFrom")}
          <input type="date" name="from" defaultValue={query.from} className={inputClass} />
        </label>
        <label className="text-sm">
          {t("account.statementTo")}
          <input type="date" name="to" defaultValue={query.to} className={inputClass} />
        </label>
        <label className="text-sm">
          {t("account.currency")}
          <select name="currency" defaultValue={query.currency} className={inputClass}>
            {currencies.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
        <button className={secondaryButtonClass}>{t("account.statementShow")}</button>
        {/* A document, not a page of the app: the browser opens it itself. */}
        <a
          className="self-center text-sm text-blue-700 hover:underline"
          href={`/customers/${customer.id}/statement/pdf?${statementSearch(query)}`}
          data-testid="statement-pdf"
        >
          {t("statement.pdf")}
        </a>
      </Form>
      <Card>
        <MovementsTable
          movements={statement.movements}
          currency={statement.currency}
          opening={{ label: t("account.carriedForward", { date: date(statement.from) }), minor: statement.carriedForwardMinor }}
        />
        <p className="mt-4 text-right font-semibold">
          {t("account.closing", { date: date(statement.to), amount: money(statement.closingMinor, statement.currency) })}
        </p>
      </Card>
    </div>
  );
}
