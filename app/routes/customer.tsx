import { Form, Link, useActionData, useLoaderData } from "react-router";
import { CustomerForm } from "~/components/customer-form";
import { CsrfInput, FormMessage, buttonClass, secondaryButtonClass } from "~/components/form";
import { InvoiceTable } from "~/components/invoice-table";
import { Card, PageHeader } from "~/components/page";
import { customerSchema, getCustomer, setCustomerArchived, updateCustomer } from "~/domain/customers";
import { listInvoices } from "~/domain/invoices/service";
import { can } from "~/domain/permissions";
import { todayUtc, validate } from "~/domain/validation";
import { useI18n } from "~/i18n/react";
import { readForm } from "~/lib/forms.server";
import { forbidden, notFound } from "~/lib/http.server";
import { requireMember } from "~/lib/session.server";
import type { Route } from "./+types/customer";

export async function loader({ request, params, context }: Route.LoaderArgs) {
  const { organisation, role } = await requireMember(request, context);
  const customer = (await getCustomer(context.db, organisation.id, params.customerId)) ?? notFound();
  const { invoices } = await listInvoices(context.db, organisation.id, { customerId: customer.id }, todayUtc(new Date()));
  return { customer, invoices, canEdit: can(role, "editCustomers") };
}

export async function action({ request, params, context }: Route.ActionArgs) {
  const { organisation, role } = await requireMember(request, context);
  if (!(await getCustomer(context.db, organisation.id, params.customerId))) notFound();
  if (!can(role, "editCustomers")) forbidden();
  const { values, intent } = await readForm(request, context);
  if (intent === "archive" || intent === "unarchive") {
    await setCustomerArchived(context.db, organisation.id, params.customerId, intent === "archive", new Date());
    return { errors: {}, values: null, saved: true };
  }
  const parsed = validate(customerSchema, values);
  if (!parsed.ok) return { errors: parsed.errors, values, saved: false };
  await updateCustomer(context.db, organisation.id, params.customerId, parsed.data);
  return { errors: {}, values: null, saved: true };
}

export default function CustomerPage() {
  const { t } = useI18n();
  const { customer, invoices, canEdit } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const values = (result?.values ?? customer) as Record<string, string>;
  return (
    <div className="max-w-4xl space-y-6">
      <PageHeader
        title={customer.name}
        actions={
          <>
            {canEdit && !customer.archivedAt ? (
              <Link className={buttonClass} to={`/invoices/new?customerId=${customer.id}`}>
                {t("invoices.new")}
              </Link>
            ) : null}
            {canEdit ? (
              <Form method="post">
                <CsrfInput />
                <button name="intent" value={customer.archivedAt ? "unarchive" : "archive"} className={secondaryButtonClass}>
                  {customer.archivedAt ? t("customers.unarchive") : t("customers.archive")}
                </button>
              </Form>
            ) : null}
          </>
        }
      >
        {customer.company ? <p className="text-slate-600">{customer.company}</p> : null}
      </PageHeader>
      {customer.archivedAt ? <FormMessage error="customers.archivedNotice" /> : null}
      {result?.saved ? <FormMessage success={t("common.saved")} /> : null}
      {canEdit ? (
        <Card title={t("customers.edit")}>
          <CustomerForm values={values} errors={result?.errors} submitLabel={t("common.save")} />
        </Card>
      ) : null}
      <Card title={t("customers.invoices")}>
        <InvoiceTable invoices={invoices} showCustomer={false} />
      </Card>
    </div>
  );
}
