import { redirect, useActionData } from "react-router";
import { CustomerForm } from "~/components/customer-form";
import { Card, PageHeader } from "~/components/page";
import { createCustomer, customerSchema } from "~/domain/customers";
import { validate } from "~/domain/validation";
import { useI18n } from "~/i18n/react";
import { readForm } from "~/lib/forms.server";
import { requireMember } from "~/lib/session.server";
import type { Route } from "./+types/customers-new";

export async function loader({ request, context }: Route.LoaderArgs) {
  await requireMember(request, context, "editCustomers");
  return null;
}

export async function action({ request, context }: Route.ActionArgs) {
  const { organisation } = await requireMember(request, context, "editCustomers");
  const { values } = await readForm(request, context);
  const parsed = validate(customerSchema, values);
  if (!parsed.ok) return { errors: parsed.errors, values };
  const customer = await createCustomer(context.db, organisation.id, parsed.data);
  return redirect(`/customers/${customer.id}`);
}

export default function NewCustomer() {
  const { t } = useI18n();
  const result = useActionData<typeof action>();
  return (
    <div className="max-w-3xl">
      <PageHeader title={t("customers.new")} />
      <Card>
        <CustomerForm values={result?.values ?? {}} errors={result?.errors} submitLabel={t("common.save")} />
      </Card>
    </div>
  );
}
