import { Form, redirect, useActionData } from "react-router";
import { Card, PageHeader } from "~/components/page";
import { CsrfInput, Field, buttonClass } from "~/components/form";
import { createOrganisation, newOrganisationSchema } from "~/domain/organisations";
import { validate } from "~/domain/validation";
import { useI18n } from "~/i18n/react";
import { readForm } from "~/lib/forms.server";
import { requireUser, resolveLocale } from "~/lib/session.server";
import type { Route } from "./+types/orgs-new";

export async function loader({ request, context }: Route.LoaderArgs) {
  await requireUser(request, context);
  return null;
}

export async function action({ request, context }: Route.ActionArgs) {
  const session = await requireUser(request, context);
  const { values } = await readForm(request, context);
  const parsed = validate(newOrganisationSchema, { ...values, locale: await resolveLocale(request, context) });
  if (!parsed.ok) return { errors: parsed.errors };
  const organisation = await createOrganisation(context.db, session.userId, parsed.data);
  await context.db.session.update({ where: { id: session.id }, data: { organisationId: organisation.id } });
  return redirect("/settings/organisation");
}

export default function NewOrganisation() {
  const { t } = useI18n();
  const result = useActionData<typeof action>();
  return (
    <div className="max-w-md">
      <PageHeader title={t("orgs.newTitle")} />
      <Card>
        <Form method="post" className="space-y-4" noValidate>
          <CsrfInput />
          <Field name="legalName" label={t("org.legalName")} errors={result?.errors} required />
          <button className={buttonClass}>{t("orgs.create")}</button>
        </Form>
      </Card>
    </div>
  );
}
