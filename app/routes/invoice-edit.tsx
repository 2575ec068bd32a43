import { redirect, useActionData, useLoaderData } from "react-router";
import { InvoiceForm, draftFormValues } from "~/components/invoice-form";
import { Card, PageHeader } from "~/components/page";
import { activeCustomers } from "~/domain/customers";
import { parseDraft } from "~/domain/invoices/draft";
import { getInvoice, updateDraft } from "~/domain/invoices/service";
import { useI18n } from "~/i18n/react";
import { readForm } from "~/lib/forms.server";
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
  const { values } = await readForm(request, context);
  const parsed = parseDraft(values);
  if (!parsed.ok) {
    if (!(await getInvoice(context.db, organisation.id, params.invoiceId))) notFound();
    return { errors: parsed.errors, values };
  }
  const result = (await updateDraft(context.db, organisation.id, params.invoiceId, parsed.data)) ?? notFound();
  if (!result.ok) return { errors: { [result.field ?? "form"]: result.error }, values };
  return redirect(`/invoices/${params.invoiceId}`);
}

export default function EditInvoice() {
  const { t } = useI18n();
  const { customers, values } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <div className="max-w-5xl">
      <PageHeader title={t("invoices.draftTitle")} />
      <Card>
        <InvoiceForm values={result?.values ?? values} errors={result?.errors} customers={customers} submitLabel={t("invoices.saveDraft")} />
      </Card>
    </div>
  );
}
