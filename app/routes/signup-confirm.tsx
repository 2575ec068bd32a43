import { Form, redirect, useActionData, useLoaderData } from "react-router";
import { z } from "zod";
import { AuthCard } from "~/components/auth-card";
import { CsrfInput, FormMessage, buttonClass } from "~/components/form";
import { confirmSignUp, findUsableSignupRequest } from "~/domain/auth";
import { useI18n } from "~/i18n/react";
import { parseForm } from "~/lib/forms.server";
import { startSession } from "~/lib/session.server";
import { countUnknownLink, refuseLinkGuessers } from "~/lib/throttle.server";
import type { Route } from "./+types/signup-confirm";

/** The link of the sign-up email: the account is created by a click (a POST), so mail scanners that open links create nothing. */
export async function loader({ params, context }: Route.LoaderArgs) {
  // A guessed link is counted like the other secret links (reset, invitation, consultation): see throttle.server.ts.
  await refuseLinkGuessers(context);
  const request = await findUsableSignupRequest(context.db, params.token, new Date());
  if (!request) {
    await countUnknownLink(context);
    return null;
  }
  return { email: request.email, organisation: request.organisationName };
}

export async function action({ request, params, context }: Route.ActionArgs) {
  await parseForm(request, context, z.object({}));
  await refuseLinkGuessers(context);
  const result = await confirmSignUp(context.db, params.token, new Date());
  if (!result) {
    await countUnknownLink(context);
    return { invalid: true };
  }
  if (!result.ok) return { taken: true };
  context.log.info({ userId: result.user.id, organisationId: result.organisation.id }, "merchant signed up");
  const cookie = await startSession(context, result.user.id, result.organisation.id);
  return redirect("/settings/organisation", { headers: { "Set-Cookie": cookie } });
}

export default function SignupConfirm() {
  const { t } = useI18n();
  const pending = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <AuthCard title={t("auth.signupConfirmTitle")}>
      {actionData && "taken" in actionData ? (
        <FormMessage error="auth.emailTaken" />
      ) : pending && !(actionData && "invalid" in actionData) ? (
        <Form method="post" className="space-y-4">
          <CsrfInput />
          <p className="text-sm text-slate-600">{t("auth.signupConfirmIntro", { email: pending.email, org: pending.organisation })}</p>
          <button className={`${buttonClass} w-full`}>{t("auth.signupConfirmAction")}</button>
        </Form>
      ) : (
        <FormMessage error="auth.signupInvalid" />
      )}
    </AuthCard>
  );
}
