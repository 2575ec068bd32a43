import { Form, redirect, useLoaderData } from "react-router";
import { z } from "zod";
import { AuthCard } from "~/components/auth-card";
import { CsrfInput, FormMessage, buttonClass } from "~/components/form";
import { acceptInvitation, findUsableInvitation } from "~/domain/auth";
import { useI18n } from "~/i18n/react";
import { parseForm } from "~/lib/forms.server";
import { startSession } from "~/lib/session.server";
import { countUnknownLink, refuseLinkGuessers } from "~/lib/throttle.server";
import type { Route } from "./+types/invitation";

export async function loader({ params, context }: Route.LoaderArgs) {
  await refuseLinkGuessers(context);
  const invitation = await findUsableInvitation(context.db, params.token, new Date());
  if (!invitation) await countUnknownLink(context);
  return invitation ? { organisation: invitation.organisation.legalName, email: invitation.email } : null;
}

// Accepting takes a click (a POST): mail scanners that open links must not consume the invitation.
export async function action({ request, params, context }: Route.ActionArgs) {
  await parseForm(request, context, z.object({}));
  await refuseLinkGuessers(context);
  const accepted = await acceptInvitation(context.db, params.token, new Date());
  if (!accepted) {
    await countUnknownLink(context);
    return redirect(`/invitation/${params.token}`);
  }
  // Someone who already has a password proves who they are by logging in, not by holding a link.
  if (accepted.user.passwordHash) return redirect("/login");
  const cookie = await startSession(context, accepted.user.id, accepted.organisationId);
  return redirect("/account/password", { headers: { "Set-Cookie": cookie } });
}

export default function Invitation() {
  const { t } = useI18n();
  const invitation = useLoaderData<typeof loader>();
  return (
    <AuthCard title={invitation ? invitation.organisation : t("auth.loginTitle")}>
      {invitation ? (
        <Form method="post" className="space-y-4">
          <CsrfInput />
          <p className="text-sm text-slate-600">{invitation.email}</p>
          <button className={`${buttonClass} w-full`}>{t("email.invite.action")}</button>
        </Form>
      ) : (
        <FormMessage error="auth.invitationInvalid" />
      )}
    </AuthCard>
  );
}
