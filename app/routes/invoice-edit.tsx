import { redirect, useActionData, useLoaderData } from "react-router";
import { InvoiceForm, draftFormValues } from "~/components/invoice-form";
import { Card, PageHeader } from "~/components/page";
import { activeCustomers } from "~/domain/customers";
import { draftSchema } from "~/domain/invoices/draft";
import { getInvoice, invoiceExists, updateDraft } from "~/domain/invoices/service";
import { useI18n } from "~/i18n/react";
import { parseForm, refuse } from "~/lib/forms.server";
import { notFound } from "~/lib/http.server";
import { requireMember } from "~/lib/session.server";
import type { Route } from "./+types/invoice-edit";

export async function loader({ request, params, context }: Route.LoaderArgs) {
  const { organisation } = await requireMember(request, context, "editInvoices");
  const invoice = (await getInvoice(context.db, organisation.id, params.invoiceId)) ?? notFound();
  if (invoice.status !== "draft") throw redirect(`/invoices/${invoice.id}`);
  return { customers: await activeCustomers(context.db, organisation.id), values: draftFormValues(invoice) };
}

export async function action({ request, params, context }: Route.ActionArgs) {
  const { organisation } = await requireMember(request, context, "editInvoices");
  const submission = await parseForm(request, context, (form) => draftSchema(form.get("currency")));
  if (submission.status !== "success") {
    // Another organisation's invoice (or none) is a 404 whatever was posted.
    if (!(await invoiceExists(context.db, organisation.id, params.invoiceId))) notFound();
    return refuse(submission);
  }
  const result = (await updateDraft(context.db, organisation.id, params.invoiceId, submission.value)) ?? notFound();
  if (!result.ok) return refuse(submission, result.field ? { fieldErrors: { [result.field]: [result.error] } } : { formErrors: [result.error] });
  return redirect(`/invoices/${params.invoiceId}`);
}

export default function EditInvoice() {
  const { t } = useI18n();
  const { customers, values } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <div className="max-w-5xl">
      <PageHeader title={t("invoices.draftTitle")} />
      <Card>
        <InvoiceForm defaultValue={values} lastResult={actionData?.result} customers={customers} submitLabel={t("invoices.saveDraft")} />
      </Card>
    </div>
  );
}
