import { redirect, useActionData } from "react-router";
import { CustomerForm } from "~/components/customer-form";
import { Card, PageHeader } from "~/components/page";
import { createCustomer, customerSchema } from "~/domain/customers";
import { useI18n } from "~/i18n/react";
import { parseForm, refuse } from "~/lib/forms.server";
import { requireMember } from "~/lib/session.server";
import type { Route } from "./+types/customers-new";

export async function loader({ request, context }: Route.LoaderArgs) {
  await requireMember(request, context, "editCustomers");
  return null;
}

export async function action({ request, context }: Route.ActionArgs) {
  const { organisation } = await requireMember(request, context, "editCustomers");
  const submission = await parseForm(request, context, customerSchema);
  if (submission.status !== "success") return refuse(submission);
  const customer = await createCustomer(context.db, organisation.id, submission.value);
  return redirect(`/customers/${customer.id}`);
}

export default function NewCustomer() {
  const { t } = useI18n();
  const actionData = useActionData<typeof action>();
  return (
    <div className="max-w-3xl">
      <PageHeader title={t("customers.new")} />
      <Card>
        <CustomerForm lastResult={actionData?.result} defaultValue={{}} submitLabel={t("common.save")} />
      </Card>
    </div>
  );
}
