import { useForm } from "@conform-to/react";
import { Form, Link, useActionData } from "react-router";
import { z } from "zod";
import { AuthCard } from "~/components/auth-card";
import { CsrfInput, Field, FormMessage, buttonClass } from "~/components/form";
import { requestPasswordReset } from "~/domain/auth";
import { enqueueStoredTemplate } from "~/domain/outbox";
import { emailAddress } from "~/domain/validation";
import { isLocale, translator } from "~/i18n";
import { useI18n } from "~/i18n/react";
import { parseForm, refuse } from "~/lib/forms.server";
import { ACCOUNT_FORM_ANSWER_MS, atLeast } from "~/lib/http.server";
import type { Route } from "./+types/forgot-password";

const forgotSchema = z.object({ email: emailAddress });

export async function action({ request, context }: Route.ActionArgs) {
  const submission = await parseForm(request, context, forgotSchema);
  if (submission.status !== "success") return refuse(submission);
  const work = requestPasswordReset(context.db, submission.value.email, new Date(), (tx, { user, token, resetId }) => {
    const locale = isLocale(user.locale) ? user.locale : "fr";
    // Rendered by the worker that delivers it: no rendering here, where it would take time only for known addresses.
    return enqueueStoredTemplate(tx, {
      kind: "password_reset",
      to: user.email,
      subject: translator(locale)("email.reset.subject"),
      idempotencyKey: `password-reset/${resetId}`,
      template: { name: "passwordReset", props: { locale, name: user.name, url: `${context.config.APP_URL}/reset-password/${token}` } },
    });
  });
  await atLeast(ACCOUNT_FORM_ANSWER_MS, work);
  // The same answer, after the same time, whether or not the account exists: the form must not reveal who is a customer.
  return { result: null, sent: true };
}

export default function ForgotPassword() {
  const { t } = useI18n();
  const actionData = useActionData<typeof action>();
  const [form, fields] = useForm({ id: "forgot-password", lastResult: actionData?.result });
  return (
    <AuthCard
      title={t("auth.forgotTitle")}
      footer={
        <Link className="text-blue-700 underline" to="/login">
          {t("auth.login")}
        </Link>
      }
    >
      {actionData && "sent" in actionData ? (
        <FormMessage success={t("auth.forgotSent")} />
      ) : (
        <Form method="post" className="space-y-4" id={form.id} onSubmit={form.onSubmit} noValidate>
          <CsrfInput />
          <p className="text-sm text-slate-600">{t("auth.forgotIntro")}</p>
          <Field meta={fields.email} type="email" autoComplete="email" label={t("auth.email")} required />
          <button className={`${buttonClass} w-full`}>{t("auth.forgotSend")}</button>
        </Form>
      )}
    </AuthCard>
  );
}
