import { redirect, useActionData, useLoaderData } from "react-router";
import { AuthCard } from "~/components/auth-card";
import { FormMessage } from "~/components/form";
import { NewPasswordForm } from "~/components/password-form";
import { findUsableResetToken, resetPassword } from "~/domain/auth";
import { newPasswordWithConfirmation } from "~/domain/validation";
import { useI18n } from "~/i18n/react";
import { parseForm, refuse } from "~/lib/forms.server";
import { startSession } from "~/lib/session.server";
import { countUnknownLink, refuseLinkGuessers } from "~/lib/throttle.server";
import type { Route } from "./+types/reset-password";

export async function loader({ params, context }: Route.LoaderArgs) {
  await refuseLinkGuessers(context);
  const usable = Boolean(await findUsableResetToken(context.db, params.token, new Date()));
  if (!usable) await countUnknownLink(context);
  return { usable };
}

export async function action({ request, params, context }: Route.ActionArgs) {
  const submission = await parseForm(request, context, newPasswordWithConfirmation);
  if (submission.status !== "success") return refuse(submission);
  await refuseLinkGuessers(context);
  const user = await resetPassword(context.db, params.token, submission.value.password, new Date());
  if (!user) {
    await countUnknownLink(context);
    return { result: null, invalid: true };
  }
  context.log.info({ userId: user.id }, "password reset");
  return redirect("/invoices", { headers: { "Set-Cookie": await startSession(context, user.id, null) } });
}

export default function ResetPassword() {
  const { t } = useI18n();
  const { usable } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const invalid = !usable || (actionData && "invalid" in actionData);
  return (
    <AuthCard title={t("auth.resetTitle")}>
      {invalid ? <FormMessage error="auth.resetInvalid" /> : <NewPasswordForm lastResult={actionData?.result} />}
    </AuthCard>
  );
}
