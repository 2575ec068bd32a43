import { Form, Link, redirect, useLoaderData } from "react-router";
import { Card, PageHeader } from "~/components/page";
import { CsrfInput, buttonClass, secondaryButtonClass } from "~/components/form";
import { z } from "zod";
import { switchOrganisation } from "~/domain/auth";
import { membershipsOf } from "~/domain/organisations";
import { idField } from "~/domain/validation";
import { useI18n } from "~/i18n/react";
import { parseForm } from "~/lib/forms.server";
import { notFound } from "~/lib/http.server";
import { requireUser } from "~/lib/session.server";
import type { Route } from "./+types/orgs";

export async function loader({ request, context }: Route.LoaderArgs) {
  const session = await requireUser(request, context);
  const memberships = await membershipsOf(context.db, session.userId);
  return {
    current: session.organisationId,
    organisations: memberships.map((m) => ({ id: m.organisationId, name: m.organisation.legalName, role: m.role })),
  };
}

const switchSchema = z.object({ organisationId: idField });

export async function action({ request, context }: Route.ActionArgs) {
  const session = await requireUser(request, context);
  const submission = await parseForm(request, context, switchSchema);
  // The only field is the hidden id of an organisation listed here: one that is not the user's is a 404.
  if (submission.status !== "success" || !(await switchOrganisation(context.db, session, submission.value.organisationId))) notFound();
  return redirect("/invoices");
}

export default function Organisations() {
  const { t } = useI18n();
  const { current, organisations } = useLoaderData<typeof loader>();
  return (
    <div className="max-w-2xl">
      <PageHeader
        title={t("orgs.title")}
        actions={
          <Link className={secondaryButtonClass} to="/orgs/new">
            {t("nav.newOrganisation")}
          </Link>
        }
      />
      <Card>
        {organisations.length === 0 ? <p>{t("orgs.none")}</p> : null}
        <ul className="divide-y divide-slate-100">
          {organisations.map((org) => (
            <li key={org.id} className="flex items-center justify-between gap-4 py-3">
              <div>
                <p className="font-medium">
                  {org.name} {org.id === current ? <span className="text-xs text-slate-500">({t("orgs.current")})</span> : null}
                </p>
                <p className="text-sm text-slate-500">{t(`role.${org.role}` as "role.owner")}</p>
              </div>
              {org.id !== current ? (
                <Form method="post">
                  <CsrfInput />
                  <input type="hidden" name="organisationId" value={org.id} />
                  <button className={buttonClass}>{t("orgs.switch")}</button>
                </Form>
              ) : null}
            </li>
          ))}
        </ul>
      </Card>
    </div>
  );
}
