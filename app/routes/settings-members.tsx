import { useForm } from "@conform-to/react";
import { Form, useActionData, useLoaderData } from "react-router";
import { z } from "zod";
import { InvitationEmail } from "../../emails/invitation";
import { Card, PageHeader } from "~/components/page";
import { CsrfInput, Field, FormMessage, SelectField, buttonClass } from "~/components/form";
import { inviteMember } from "~/domain/auth";
import { listMembers, listPendingInvitations } from "~/domain/organisations";
import { bearerLink } from "~/domain/outbox";
import { ROLES, can, canGrantRole } from "~/domain/permissions";
import { emailAddress } from "~/domain/validation";
import { isLocale, translator } from "~/i18n";
import { useI18n } from "~/i18n/react";
import { parseForm, refuse, replyTo } from "~/lib/forms.server";
import { forbidden } from "~/lib/http.server";
import { queueEmail } from "~/lib/mail.server";
import { requireMember } from "~/lib/session.server";
import type { Route } from "./+types/settings-members";

const inviteSchema = z.object({ email: emailAddress, role: z.enum(ROLES, { error: "errors.role" }) });

export async function loader({ request, context }: Route.LoaderArgs) {
  const { organisation, role } = await requireMember(request, context);
  const [members, invitations] = await Promise.all([listMembers(context.db, organisation.id), listPendingInvitations(context.db, organisation.id, new Date())]);
  return {
    canInvite: can(role, "manageMembers"),
    grantable: ROLES.filter((r) => canGrantRole(role, r)),
    members: members.map((m) => ({ id: m.id, name: m.user.name, email: m.user.email, role: m.role, since: m.createdAt })),
    invitations: can(role, "manageMembers") ? invitations.map((i) => ({ id: i.id, email: i.email, role: i.role, expiresAt: i.expiresAt })) : [],
  };
}

export async function action({ request, context }: Route.ActionArgs) {
  const { organisation, role, user } = await requireMember(request, context, "manageMembers");
  const submission = await parseForm(request, context, inviteSchema);
  if (submission.status !== "success") return refuse(submission);
  const invite = submission.value;
  if (!canGrantRole(role, invite.role)) forbidden();
  const result = await inviteMember(context.db, { organisationId: organisation.id, invitedById: user.id, ...invite }, new Date());
  if (result.kind === "alreadyMember") return refuse(submission, { fieldErrors: { email: ["members.alreadyMember"] } });
  const locale = isLocale(organisation.locale) ? organisation.locale : "fr";
  const t = translator(locale);
  // The same answer whether or not the address has an account: the inviter learns nothing until it is accepted.
  const link = bearerLink(context.config.ENCRYPTION_KEY, `${context.config.APP_URL}/invitation/`, result.token);
  await queueEmail(context, {
    kind: "invitation",
    to: invite.email,
    organisationId: organisation.id,
    subject: t("email.invite.subject", { inviter: user.name, org: organisation.legalName }),
    idempotencyKey: `invitation/${organisation.id}/${invite.email}/${Date.now()}`,
    secret: link.secret,
    element: (
      <InvitationEmail
        t={t}
        locale={locale}
        inviter={user.name}
        organisation={organisation.legalName}
        role={t(`role.${invite.role}`)}
        url={link.url}
        existingAccount={result.existingAccount}
      />
    ),
  });
  context.log.info({ organisationId: organisation.id, role: invite.role }, "member invited");
  return { result: replyTo(submission, { resetForm: true }), invited: invite.email };
}

export default function Members() {
  const { t, date } = useI18n();
  const { canInvite, grantable, members, invitations } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [form, fields] = useForm<{ email: string; role: string }>({ id: "invite", lastResult: actionData?.result, defaultValue: { role: "member" } });
  return (
    <div className="max-w-3xl space-y-6">
      <PageHeader title={t("members.title")} />
      <Card>
        <table className="w-full text-left text-sm">
          <thead className="text-slate-500">
            <tr>
              <th className="py-2">{t("customers.name")}</th>
              <th>{t("auth.email")}</th>
              <th>{t("members.role")}</th>
              <th>{t("members.since")}</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {members.map((m) => (
              <tr key={m.id}>
                <td className="py-2">{m.name}</td>
                <td>{m.email}</td>
                <td>{t(`role.${m.role}` as "role.owner")}</td>
                <td>{date(m.since)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
      {invitations.length ? (
        <Card title={t("members.pending")}>
          <ul className="text-sm">
            {invitations.map((i) => (
              <li key={i.id}>
                {i.email} — {t(`role.${i.role}` as "role.owner")}
              </li>
            ))}
          </ul>
        </Card>
      ) : null}
      {canInvite ? (
        <Card title={t("members.invite")}>
          <Form method="post" className="grid gap-4 sm:grid-cols-3 sm:items-end" id={form.id} onSubmit={form.onSubmit} noValidate>
            <CsrfInput />
            {actionData && "invited" in actionData ? (
              <div className="sm:col-span-3">
                <FormMessage success={t("members.invited", { email: actionData.invited })} />
              </div>
            ) : null}
            <Field className="sm:col-span-2" meta={fields.email} type="email" label={t("auth.email")} required />
            <SelectField meta={fields.role} label={t("members.role")}>
              {grantable.map((r) => (
                <option key={r} value={r}>
                  {t(`role.${r}`)}
                </option>
              ))}
            </SelectField>
            <button className={`${buttonClass} sm:col-span-3 sm:w-fit`}>{t("members.inviteSend")}</button>
          </Form>
        </Card>
      ) : null}
    </div>
  );
}
