import { useForm } from "@conform-to/react";
import { Form, redirect, useActionData } from "react-router";
import { Card, PageHeader } from "~/components/page";
import { CsrfInput, Field, buttonClass } from "~/components/form";
import { switchOrganisation } from "~/domain/auth";
import { createOrganisation, newOrganisationSchema } from "~/domain/organisations";
import { useI18n } from "~/i18n/react";
import { parseForm, refuse } from "~/lib/forms.server";
import { requireUser, resolveLocale } from "~/lib/session.server";
import type { Route } from "./+types/orgs-new";

export async function loader({ request, context }: Route.LoaderArgs) {
  await requireUser(request, context);
  return null;
}

export async function action({ request, context }: Route.ActionArgs) {
  const session = await requireUser(request, context);
  const submission = await parseForm(request, context, newOrganisationSchema);
  if (submission.status !== "success") return refuse(submission);
  const organisation = await createOrganisation(context.db, session.userId, { ...submission.value, locale: await resolveLocale(request, context) });
  await switchOrganisation(context.db, session, organisation.id);
  return redirect("/settings/organisation");
}

export default function NewOrganisation() {
  const { t } = useI18n();
  const actionData = useActionData<typeof action>();
  const [form, fields] = useForm({ id: "new-organisation", lastResult: actionData?.result });
  return (
    <div className="max-w-md">
      <PageHeader title={t("orgs.newTitle")} />
      <Card>
        <Form method="post" className="space-y-4" id={form.id} onSubmit={form.onSubmit} noValidate>
          <CsrfInput />
          <Field meta={fields.legalName} label={t("org.legalName")} required />
          <button className={buttonClass}>{t("orgs.create")}</button>
        </Form>
      </Card>
    </div>
  );
}
