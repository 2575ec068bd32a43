import { Form, Link, useActionData, useLoaderData } from "react-router";
import { z } from "zod";
import { CustomerForm } from "~/components/customer-form";
import { CsrfInput, FormMessage, buttonClass, secondaryButtonClass } from "~/components/form";
import { InvoiceTable } from "~/components/invoice-table";
import { Card, PageHeader } from "~/components/page";
import { checkCustomer, customerFields, getCustomer, setCustomerArchived, updateCustomer } from "~/domain/customers";
import { listInvoices } from "~/domain/invoices/service";
import { can } from "~/domain/permissions";
import { todayUtc } from "~/domain/validation";
import { useI18n } from "~/i18n/react";
import { parseForm, refuse, replyTo } from "~/lib/forms.server";
import { forbidden, notFound } from "~/lib/http.server";
import { requireMember } from "~/lib/session.server";
import type { Route } from "./+types/customer";

export async function loader({ request, params, context }: Route.LoaderArgs) {
  const { organisation, role } = await requireMember(request, context);
  const customer = (await getCustomer(context.db, organisation.id, params.customerId)) ?? notFound();
  const { invoices } = await listInvoices(context.db, organisation.id, { customerId: customer.id }, todayUtc(new Date()));
  return { customer, invoices, canEdit: can(role, "editCustomers") };
}

const customerActions = z.discriminatedUnion(
  "intent",
  [
    customerFields.extend({ intent: z.literal("save") }).superRefine(checkCustomer),
    z.object({ intent: z.literal("archive") }),
    z.object({ intent: z.literal("unarchive") }),
  ],
  { error: "errors.unknownAction" },
);

export async function action({ request, params, context }: Route.ActionArgs) {
  const { organisation, role } = await requireMember(request, context);
  if (!(await getCustomer(context.db, organisation.id, params.customerId))) notFound();
  if (!can(role, "editCustomers")) forbidden();
  const submission = await parseForm(request, context, customerActions);
  if (submission.status !== "success") return refuse(submission);
  const input = submission.value;
  if (input.intent !== "save") {
    await setCustomerArchived(context.db, organisation.id, params.customerId, input.intent === "archive", new Date());
    return { result: null, saved: true };
  }
  const { intent: _intent, ...customer } = input;
  await updateCustomer(context.db, organisation.id, params.customerId, customer);
  // The form starts again from what was stored (email in lower case, country code).
  return { result: replyTo(submission, { resetForm: true }), saved: true };
}

export default function CustomerPage() {
  const { t } = useI18n();
  const { customer, invoices, canEdit } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
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
      {actionData && "saved" in actionData ? <FormMessage success={t("common.saved")} /> : null}
      {canEdit ? (
        <Card title={t("customers.edit")}>
          <CustomerForm lastResult={actionData?.result} defaultValue={customer} submitLabel={t("common.save")} />
        </Card>
      ) : null}
      <Card title={t("customers.invoices")}>
        <InvoiceTable invoices={invoices} showCustomer={false} />
      </Card>
    </div>
  );
}
