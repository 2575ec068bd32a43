import { Form, useLoaderData } from "react-router";
import { MovementsTable } from "~/components/account";
import { inputClass, secondaryButtonClass } from "~/components/form";
import { Card } from "~/components/page";
import { statementFor, statementSearch } from "~/domain/accounts/statement-query";
import { overviewOf } from "~/domain/customer-space/account";
import { todayUtc } from "~/domain/validation";
import { useI18n } from "~/i18n/react";
import { requireCustomer } from "~/lib/customer-session.server";
import { spacePath } from "~/lib/space-path";
import type { Route } from "./+types/space-statement";

/** The customer's statement for a period: "Report précédent", the movements with the running balance, "Solde fin de période"; and its PDF. */
export async function loader({ request, params, context }: Route.LoaderArgs) {
  const { customer, organisation } = await requireCustomer(request, context, params.orgId);
  const { movements } = await overviewOf(context.db, organisation.id, customer.id);
  const { statement, currencies, query } = statementFor(movements, new URL(request.url).searchParams, todayUtc(new Date()), "EUR");
  return { orgId: organisation.id, merchant: organisation.legalName, statement, currencies, query };
}

export default function SpaceStatement() {
  const { t, date } = useI18n();
  const { orgId, merchant, statement, currencies, query } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-6">
      <title>{`${t("account.statement")} — ${merchant}`}</title>
      <div>
        <h1 className="text-2xl font-bold">{t("account.statement")}</h1>
        <p className="text-slate-600">{t("account.statementPeriod", { from: date(statement.from), to: date(statement.to) })}</p>
      </div>
      <Form method="get" className="flex flex-wrap items-end gap-3">
        <label className="text-sm">
          {t("account.statementFrom")}
          <input type="date" name="from" defaultValue={query.from} className={inputClass} />
        </label>
        <label className="text-sm">
          {t("account.statementTo")}
          <input type="date" name="to" defaultValue={query.to} className={inputClass} />
        </label>
        {currencies.length > 1 ? (
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
        ) : (
          <input type="hidden" name="currency" value={query.currency} />
        )}
        <button className={secondaryButtonClass}>{t("account.statementShow")}</button>
        <a
          className="self-center text-sm text-blue-700 hover:underline"
          href={`${spacePath(orgId, "/releve/pdf")}?${statementSearch(query)}`}
          data-testid="statement-pdf"
        >
          {t("statement.pdf")}
        </a>
      </Form>
      <Card>
        <MovementsTable
          plain
          movements={statement.movements}
          currency={statement.currency}
          opening={{ label: t("statement.carriedForward"), minor: statement.carriedForwardMinor }}
          closing={{ label: t("statement.closing"), minor: statement.closingMinor }}
        />
      </Card>
    </div>
  );
}
