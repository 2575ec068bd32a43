import { Form, Link, redirect, useLoaderData } from "react-router";
import { Card, PageHeader } from "~/components/page";
import { CsrfInput, buttonClass, secondaryButtonClass } from "~/components/form";
import { z } from "zod";
import { acceptOwnInvitation, declineOwnInvitation, pendingInvitationsFor, setSessionOrganisation, switchOrganisation } from "~/domain/auth";
import type { Role } from "~/domain/permissions";
import { membershipsOf } from "~/domain/organisations";
import { idField } from "~/domain/validation";
import { useI18n } from "~/i18n/react";
import { parseForm } from "~/lib/forms.server";
import { notFound } from "~/lib/http.server";
import { requireUser } from "~/lib/session.server";
import type { Route } from "./+types/orgs";

export async function loader({ request, context }: Route.LoaderArgs) {
  const session = await requireUser(request, context);
  const [memberships, invitations] = await Promise.all([
    membershipsOf(context.db, session.userId),
    pendingInvitationsFor(context.db, session.user.email, new Date()),
  ]);
  return {
    current: session.organisationId,
    organisations: memberships.map((m) => ({ id: m.organisationId, name: m.organisation.legalName, role: m.role })),
    invitations: invitations.map((i) => ({ id: i.id, organisation: i.organisation.legalName, role: i.role as Role })),
  };
}

const orgsSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("switch").default("switch"), organisationId: idField }),
  z.object({ intent: z.literal("accept"), invitationId: idField }),
  z.object({ intent: z.literal("decline"), invitationId: idField }),
]);

export async function action({ request, context }: Route.ActionArgs) {
  const session = await requireUser(request, context);
  const submission = await parseForm(request, context, (form) => (form.get("intent") ? orgsSchema : orgsSchema.options[0]));
  // Only hidden ids of what this page lists: an organisation that is not the user's, or an invitation that is
  // not theirs or no longer pending, is a 404.
  if (submission.status !== "success") return notFound();
  const input = submission.value;
  const now = new Date();
  if (input.intent === "switch") {
    if (!(await switchOrganisation(context.db, session, input.organisationId))) notFound();
    return redirect("/invoices");
  }
  if (input.intent === "decline") {
    if (!(await declineOwnInvitation(context.db, session.user, input.invitationId, now))) notFound();
    return redirect("/orgs");
  }
  const accepted = (await acceptOwnInvitation(context.db, session.user, input.invitationId, now)) ?? notFound();
  context.log.info({ organisationId: accepted.organisationId, userId: session.userId }, "invitation accepted");
  await setSessionOrganisation(context.db, session, { userId: session.userId, organisationId: accepted.organisationId });
  return redirect("/invoices");
}

export default function Organisations() {
  const { t } = useI18n();
  const { current, organisations, invitations } = useLoaderData<typeof loader>();
  return (
    <div className="max-w-2xl space-y-6">
      <PageHeader
        title={t("orgs.title")}
        actions={
          <Link className={secondaryButtonClass} to="/orgs/new">
            {t("nav.newOrganisation")}
          </Link>
        }
      />
      {invitations.length ? (
        <Card title={t("invitation.pendingTitle")}>
          <ul className="divide-y divide-slate-100" data-testid="pending-invitations">
            {invitations.map((invitation) => (
              <li key={invitation.id} className="flex flex-wrap items-center justify-between gap-4 py-3">
                <p className="font-medium">{t("invitation.pendingItem", { org: invitation.organisation, role: t(`role.${invitation.role}`) })}</p>
                <Form method="post" className="flex gap-2">
                  <CsrfInput />
                  <input type="hidden" name="invitationId" value={invitation.id} />
                  <button name="intent" value="accept" className={buttonClass}>
                    {t("invitation.accept")}
                  </button>
                  <button name="intent" value="decline" className={secondaryButtonClass}>
                    {t("invitation.decline")}
                  </button>
                </Form>
              </li>
            ))}
          </ul>
        </Card>
      ) : null}
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
