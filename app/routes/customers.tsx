import { Form, Link, useLoaderData } from "react-router";
import { Card, PageHeader, Pagination } from "~/components/page";
import { BalanceText } from "~/components/account";
import { customerBalances } from "~/domain/accounts/receipts";
import { buttonClass, inputClass, secondaryButtonClass } from "~/components/form";
import { listCustomers } from "~/domain/customers";
import { can } from "~/domain/permissions";
import { useI18n } from "~/i18n/react";
import { positiveInt } from "~/lib/http.server";
import { requireMember } from "~/lib/session.server";
import type { Route } from "./+types/customers";

export async function loader({ request, context }: Route.LoaderArgs) {
  const { organisation, role } = await requireMember(request, context);
  const url = new URL(request.url);
  const query = url.searchParams.get("q") ?? "";
  const archived = url.searchParams.get("archived") === "1";
  const result = await listCustomers(context.db, organisation.id, { query, archived, page: positiveInt(url.searchParams.get("page")) });
  // Issue 14: each customer's balance, derived from the account's entries.
  const balances = await customerBalances(
    context.db,
    organisation.id,
    result.customers.map((c) => c.id),
  );
  return { ...result, query, archived, canEdit: can(role, "editCustomers"), balances };
}

export default function Customers() {
  const { t } = useI18n();
  const { customers, page, pages, query, archived, canEdit, balances } = useLoaderData<typeof loader>();
  const href = (p: number) => `?${new URLSearchParams({ q: query, ...(archived ? { archived: "1" } : {}), page: String(p) })}`;
  return (
    <>
      <PageHeader
        title={t("customers.title")}
        actions={
          canEdit ? (
            <Link className={buttonClass} to="/customers/new">
              {t("customers.new")}
            </Link>
          ) : null
        }
      />
      <Form method="get" className="mb-4 flex flex-wrap items-center gap-3">
        <input
          type="search"
          name="q"
          defaultValue={query}
          placeholder={t("customers.searchPlaceholder")}
          aria-label={t("common.search")}
          className={`${inputClass} max-w-sm`}
        />
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" name="archived" value="1" defaultChecked={archived} /> {t("customers.showArchived")}
        </label>
        <button className={secondaryButtonClass}>{t("common.search")}</button>
      </Form>
      <Card>
        {customers.length === 0 ? (
          <p className="text-slate-600">{query ? t("customers.noMatch") : t("customers.empty")}</p>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm">
              <thead className="text-slate-500">
                <tr>
                  <th className="py-2">{t("customers.name")}</th>
                  <th>{t("customers.company")}</th>
                  <th>{t("customers.email")}</th>
                  <th>{t("customers.reference")}</th>
                  <th className="text-right">{t("account.balance")}</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {customers.map((c) => (
                  <tr key={c.id}>
                    <td className="py-2">
                      <Link className="font-medium text-blue-700 hover:underline" to={`/customers/${c.id}`}>
                        {c.name}
                      </Link>
                    </td>
                    <td>{c.company}</td>
                    <td>{c.email}</td>
                    <td>{c.reference}</td>
                    <td className="text-right">
                      {Object.entries(balances[c.id] ?? {}).map(([currency, minor]) => (
                        <div key={currency}>
                          <BalanceText minor={minor} currency={currency} />
                        </div>
                      ))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <Pagination page={page} pages={pages} href={href} />
      </Card>
    </>
  );
}
