import { Form, Link, useLoaderData } from "react-router";
import { InvoicePager, InvoiceTable } from "~/components/invoice-table";
import { Card, PageHeader } from "~/components/page";
import { buttonClass, inputClass, secondaryButtonClass } from "~/components/form";
import { activeCustomers } from "~/domain/customers";
import { listInvoices, parseInvoiceCursor } from "~/domain/invoices/service";
import { INVOICE_STATUSES, isInvoiceStatus } from "~/domain/invoices/status";
import { can } from "~/domain/permissions";
import { todayUtc } from "~/domain/validation";
import { useI18n } from "~/i18n/react";
import { requireMember } from "~/lib/session.server";
import type { Route } from "./+types/invoices";

export async function loader({ request, context }: Route.LoaderArgs) {
  const { organisation, role } = await requireMember(request, context, "viewInvoices");
  const params = new URL(request.url).searchParams;
  const status = params.get("status");
  const filters = {
    status: isInvoiceStatus(status) ? status : undefined,
    customerId: params.get("customerId")?.slice(0, 40) || undefined,
    overdue: params.get("overdue") === "1",
  };
  // Cursors of the next/previous links; a missing or malformed one gives the first page.
  const after = parseInvoiceCursor(params.get("after"));
  const before = after ? null : parseInvoiceCursor(params.get("before"));
  const [result, customers] = await Promise.all([
    listInvoices(context.db, organisation.id, { ...filters, after, before }, todayUtc(new Date())),
    activeCustomers(context.db, organisation.id),
  ]);
  return { ...result, filters, customers, canEdit: can(role, "editInvoices") };
}

export default function Invoices() {
  const { t } = useI18n();
  const { invoices, count, next, previous, pastTheEnd, filters, customers, canEdit } = useLoaderData<typeof loader>();
  // The filters stay in every page link; the cursor says where the page starts.
  const href = (cursor?: { after: string } | { before: string }) => {
    const query = new URLSearchParams();
    if (filters.status) query.set("status", filters.status);
    if (filters.customerId) query.set("customerId", filters.customerId);
    if (filters.overdue) query.set("overdue", "1");
    for (const [name, value] of Object.entries(cursor ?? {})) query.set(name, value);
    const search = query.toString();
    return search ? `?${search}` : "/invoices";
  };
  return (
    <>
      <PageHeader
        title={t("invoices.title")}
        actions={
          canEdit ? (
            <Link className={buttonClass} to="/invoices/new">
              {t("invoices.new")}
            </Link>
          ) : null
        }
      >
        <p className="text-sm text-slate-500">{t(count.more ? "invoices.countMore" : "invoices.count", { count: count.value })}</p>
      </PageHeader>
      <Form method="get" className="mb-4 flex flex-wrap items-end gap-3">
        <label className="text-sm">
          <span className="mb-1 block text-slate-600">{t("invoices.filterStatus")}</span>
          <select name="status" defaultValue={filters.status ?? ""} className={inputClass}>
            <option value="">{t("common.all")}</option>
            {INVOICE_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`status.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="text-sm">
          <span className="mb-1 block text-slate-600">{t("invoices.filterCustomer")}</span>
          <select name="customerId" defaultValue={filters.customerId ?? ""} className={inputClass}>
            <option value="">{t("common.all")}</option>
            {customers.map((c) => (
              <option key={c.id} value={c.id}>
                {c.company || c.name}
              </option>
            ))}
          </select>
        </label>
        <label className="flex items-center gap-2 pb-2 text-sm">
          <input type="checkbox" name="overdue" value="1" defaultChecked={filters.overdue} /> {t("invoices.filterOverdue")}
        </label>
        <button className={secondaryButtonClass}>{t("invoices.filter")}</button>
      </Form>
      <Card>
        <InvoiceTable invoices={invoices} />
        <InvoicePager
          first={previous || pastTheEnd ? href() : null}
          previous={previous ? href({ before: previous }) : null}
          next={next ? href({ after: next }) : null}
        />
      </Card>
    </>
  );
}
