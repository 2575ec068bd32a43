import { Form, Link, useActionData } from "react-router";
import { z } from "zod";
import { PasswordResetEmail } from "../../emails/password-reset";
import { AuthCard } from "~/components/auth-card";
import { CsrfInput, Field, FormMessage, buttonClass } from "~/components/form";
import { createPasswordReset } from "~/domain/auth";
import { emailAddress, validate } from "~/domain/validation";
import { isLocale, translator } from "~/i18n";
import { useI18n } from "~/i18n/react";
import { readForm } from "~/lib/forms.server";
import { queueEmail } from "~/lib/mail.server";
import type { Route } from "./+types/forgot-password";

export async function action({ request, context }: Route.ActionArgs) {
  const { values } = await readForm(request, context);
  const parsed = validate(z.object({ email: emailAddress }), values);
  if (!parsed.ok) return { errors: parsed.errors, sent: false };
  const reset = await createPasswordReset(context.db, parsed.data.email, new Date());
  if (reset) {
    const locale = isLocale(reset.user.locale) ? reset.user.locale : "fr";
    const t = translator(locale);
    await queueEmail(context, {
      kind: "password_reset",
      to: reset.user.email,
      subject: t("email.reset.subject"),
      idempotencyKey: `password-reset/${reset.resetId}`,
      element: <PasswordResetEmail t={t} locale={locale} name={reset.user.name} url={`${context.config.APP_URL}/reset-password/${reset.token}`} />,
    });
  }
  // The same answer whether or not the account exists: the form must not reveal who is a customer.
  return { errors: {}, sent: true };
}

export default function ForgotPassword() {
  const { t } = useI18n();
  const result = useActionData<typeof action>();
  return (
    <AuthCard
      title={t("auth.forgotTitle")}
      footer={
        <Link className="text-blue-700 underline" to="/login">
          {t("auth.login")}
        </Link>
      }
    >
      {result?.sent ? (
        <FormMessage success={t("auth.forgotSent")} />
      ) : (
        <Form method="post" className="space-y-4" noValidate>
          <CsrfInput />
          <p className="text-sm text-slate-600">{t("auth.forgotIntro")}</p>
          <Field name="email" type="email" autoComplete="email" label={t("auth.email")} errors={result?.errors} required />
          <button className={`${buttonClass} w-full`}>{t("auth.forgotSend")}</button>
        </Form>
      )}
    </AuthCard>
  );
}
