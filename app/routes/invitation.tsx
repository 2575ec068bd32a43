import { Form, Link, redirect, useActionData, useLoaderData } from "react-router";
import { z } from "zod";
import { AuthCard } from "~/components/auth-card";
import { CsrfInput, FormMessage, buttonClass, secondaryButtonClass } from "~/components/form";
import { acceptInvitation, declineInvitation, findUsableInvitation, invitationAudience, setSessionOrganisation } from "~/domain/auth";
import type { Role } from "~/domain/permissions";
import { useI18n } from "~/i18n/react";
import { parseForm } from "~/lib/forms.server";
import { getSession, startSession } from "~/lib/session.server";
import { countUnknownLink, refuseLinkGuessers } from "~/lib/throttle.server";
import type { Route } from "./+types/invitation";

const signedInUser = async (request: Request, context: Route.LoaderArgs["context"]) => {
  const session = await getSession(request, context);
  return session ? { id: session.userId, email: session.user.email, sessionId: session.id } : null;
};

export async function loader({ request, params, context }: Route.LoaderArgs) {
  await refuseLinkGuessers(context);
  const invitation = await findUsableInvitation(context.db, params.token, new Date());
  if (!invitation) {
    await countUnknownLink(context);
    return null;
  }
  return {
    organisation: invitation.organisation.legalName,
    email: invitation.email,
    role: invitation.role as Role,
    audience: await invitationAudience(context.db, invitation, await signedInUser(request, context)),
  };
}

/** The invitation's own page, for redirects: the token as it came in, encoded (a line feed in it must not break the Location header). */
const invitationPath = (token: string) => `/invitation/${encodeURIComponent(token)}`;

const answerSchema = z.object({ intent: z.enum(["accept", "decline"], { error: "errors.invalid" }) });

/**
 * Accepting or declining takes a click (a POST): mail scanners that open links must not answer for the
 * invitee. Only the invitee accepts: logged in when they have a password, by the link otherwise.
 */
export async function action({ request, params, context }: Route.ActionArgs) {
  const submission = await parseForm(request, context, answerSchema);
  await refuseLinkGuessers(context);
  if (submission.status !== "success") return redirect(invitationPath(params.token));
  const now = new Date();
  if (submission.value.intent === "decline") {
    if (await declineInvitation(context.db, params.token, now)) return { declined: true };
    await countUnknownLink(context);
    return redirect(invitationPath(params.token));
  }
  const user = await signedInUser(request, context);
  const accepted = await acceptInvitation(context.db, params.token, user, now);
  if (!accepted.ok) {
    if (accepted.reason === "invalid") await countUnknownLink(context);
    return redirect(accepted.reason === "loginRequired" ? "/login?redirectTo=%2Forgs" : invitationPath(params.token));
  }
  context.log.info({ organisationId: accepted.organisationId, userId: accepted.user.id }, "invitation accepted");
  if (user) {
    await setSessionOrganisation(context.db, { id: user.sessionId, userId: user.id }, { userId: user.id, organisationId: accepted.organisationId });
    return redirect("/invoices");
  }
  // A new account: signed in to choose its password.
  const cookie = await startSession(context, accepted.user.id, accepted.organisationId);
  return redirect("/account/password", { headers: { "Set-Cookie": cookie } });
}

export default function Invitation() {
  const { t } = useI18n();
  const invitation = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  if (actionData && "declined" in actionData) {
    return (
      <AuthCard title={t("invitation.pendingTitle")}>
        <FormMessage success={t("invitation.declined")} />
      </AuthCard>
    );
  }
  if (!invitation) {
    return (
      <AuthCard title={t("auth.loginTitle")}>
        <FormMessage error="auth.invitationInvalid" />
      </AuthCard>
    );
  }
  const { audience, email } = invitation;
  return (
    <AuthCard title={invitation.organisation}>
      <div className="space-y-4 text-sm text-slate-700">
        <p>{t("invitation.role", { role: t(`role.${invitation.role}`) })}</p>
        {audience === "newAccount" ? <p>{t("invitation.newAccount", { email })}</p> : null}
        {audience === "invitee" ? <p>{t("invitation.ready", { email })}</p> : null}
        {audience === "loginRequired" ? (
          <p>
            {t("invitation.loginRequired", { email })}{" "}
            <Link className="text-blue-700 underline" to="/login?redirectTo=%2Forgs">
              {t("invitation.login")}
            </Link>
          </p>
        ) : null}
        {audience === "otherAccount" ? <p role="alert">{t("invitation.otherAccount", { email })}</p> : null}
        <Form method="post" className="flex flex-wrap gap-3">
          <CsrfInput />
          {audience === "newAccount" || audience === "invitee" ? (
            <button name="intent" value="accept" className={buttonClass}>
              {t("invitation.accept")}
            </button>
          ) : null}
          <button name="intent" value="decline" className={secondaryButtonClass}>
            {t("invitation.decline")}
          </button>
        </Form>
      </div>
    </AuthCard>
  );
}
