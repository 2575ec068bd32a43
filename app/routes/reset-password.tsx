import { redirect, useActionData, useLoaderData } from "react-router";
import { AuthCard } from "~/components/auth-card";
import { FormMessage } from "~/components/form";
import { NewPasswordForm } from "~/components/password-form";
import { findUsableResetToken, resetPassword } from "~/domain/auth";
import { newPasswordWithConfirmation, validate } from "~/domain/validation";
import { useI18n } from "~/i18n/react";
import { readForm } from "~/lib/forms.server";
import { startSession } from "~/lib/session.server";
import type { Route } from "./+types/reset-password";

export async function loader({ params, context }: Route.LoaderArgs) {
  return { usable: Boolean(await findUsableResetToken(context.db, params.token, new Date())) };
}

export async function action({ request, params, context }: Route.ActionArgs) {
  const { values } = await readForm(request, context);
  const parsed = validate(newPasswordWithConfirmation, values);
  if (!parsed.ok) return { errors: parsed.errors, invalid: false };
  const user = await resetPassword(context.db, params.token, parsed.data.password, new Date());
  if (!user) return { errors: {}, invalid: true };
  context.log.info({ userId: user.id }, "password reset");
  return redirect("/invoices", { headers: { "Set-Cookie": await startSession(context, user.id, null) } });
}

export default function ResetPassword() {
  const { t } = useI18n();
  const { usable } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <AuthCard title={t("auth.resetTitle")}>
      {!usable || result?.invalid ? <FormMessage error="auth.resetInvalid" /> : <NewPasswordForm errors={result?.errors} />}
    </AuthCard>
  );
}
