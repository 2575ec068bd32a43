import { Form, useLoaderData } from "react-router";
import { DebitTable } from "~/components/debits";
import { inputClass, secondaryButtonClass } from "~/components/form";
import { Card, PageHeader } from "~/components/page";
import { debitsOfOrganisation } from "~/domain/debits/service";
import { DEBIT_STATUSES, type DebitStatus, UPCOMING } from "~/domain/debits/statuses";
import { useI18n } from "~/i18n/react";
import { requireMember } from "~/lib/session.server";
import type { Route } from "./+types/collections";

/**
 * The organisation's automatic collections (issue 15, docs/decisions/0020): the upcoming ones by default
 * (planned, notified, submitted), or one status, or all; soonest first. Only this organisation's.
 */
export async function loader({ request, context }: Route.LoaderArgs) {
  const { organisation } = await requireMember(request, context);
  const asked = new URL(request.url).searchParams.get("status") ?? "upcoming";
  const filter = asked === "all" || (DEBIT_STATUSES as readonly string[]).includes(asked) ? asked : "upcoming";
  const statuses: DebitStatus[] = filter === "upcoming" ? UPCOMING : filter === "all" ? [...DEBIT_STATUSES] : [filter as DebitStatus];
  return { filter, debits: await debitsOfOrganisation(context.db, organisation.id, statuses) };
}

export default function Collections() {
  const { t } = useI18n();
  const { filter, debits } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-6">
      <title>{t("debits.list.title")}</title>
      <PageHeader title={t("debits.list.title")}>
        <p className="text-sm text-slate-600">{t("debits.list.intro")}</p>
      </PageHeader>
      <Form method="get" className="flex flex-wrap items-end gap-3">
        <label className="text-sm">
          <span className="mb-1 block font-medium">{t("debits.status")}</span>
          <select name="status" defaultValue={filter} className={inputClass}>
            <option value="upcoming">{t("debits.list.upcoming")}</option>
            {DEBIT_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`debits.status.${s}`)}
              </option>
            ))}
            <option value="all">{t("debits.list.all")}</option>
          </select>
        </label>
        <button className={secondaryButtonClass}>{t("debits.list.filter")}</button>
      </Form>
      <Card>
        <DebitTable debits={debits} customerLink={(id) => `/customers/${id}`} invoiceLink={(id) => `/invoices/${id}`} />
      </Card>
    </div>
  );
}
