import { redirect, useActionData, useLoaderData } from "react-router";
import { Link } from "react-router";
import { InvoiceForm } from "~/components/invoice-form";
import { Card, PageHeader } from "~/components/page";
import { activeCustomers } from "~/domain/customers";
import { parseDraft } from "~/domain/invoices/draft";
import { createDraft } from "~/domain/invoices/service";
import { todayUtc } from "~/domain/validation";
import { useI18n } from "~/i18n/react";
import { readForm } from "~/lib/forms.server";
import { requireMember } from "~/lib/session.server";
import type { Route } from "./+types/invoices-new";

export async function loader({ request, context }: Route.LoaderArgs) {
  const { organisation } = await requireMember(request, context, "editInvoices");
  const customers = await activeCustomers(context.db, organisation.id);
  const today = todayUtc(new Date());
  const due = new Date(today.getTime() + organisation.paymentTermsDays * 86400_000);
  const customerId = new URL(request.url).searchParams.get("customerId") ?? "";
  return {
    customers,
    values: {
      customerId: customers.some((c) => c.id === customerId) ? customerId : "",
      currency: organisation.defaultCurrency,
      issueDate: today.toISOString().slice(0, 10),
      dueDate: due.toISOString().slice(0, 10),
      onlinePayment: organisation.onlinePaymentDefault ? "on" : "",
    } as Record<string, string>,
  };
}

export async function action({ request, context }: Route.ActionArgs) {
  const { organisation } = await requireMember(request, context, "editInvoices");
  const { values } = await readForm(request, context);
  const parsed = parseDraft(values);
  if (!parsed.ok) return { errors: parsed.errors, values };
  const created = await createDraft(context.db, organisation.id, parsed.data);
  if (!created.ok) return { errors: { [created.field ?? "form"]: created.error }, values };
  return redirect(`/invoices/${created.value.id}`);
}

export default function NewInvoice() {
  const { t } = useI18n();
  const { customers, values } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <div className="max-w-5xl">
      <PageHeader title={t("invoices.new")} />
      <Card>
        {customers.length === 0 ? (
          <p>
            {t("invoices.noCustomers")}{" "}
            <Link className="text-blue-700 underline" to="/customers/new">
              {t("customers.new")}
            </Link>
          </p>
        ) : (
          <InvoiceForm values={result?.values ?? values} errors={result?.errors} customers={customers} submitLabel={t("invoices.saveDraft")} />
        )}
      </Card>
    </div>
  );
}
