import { useForm } from "@conform-to/react";
import { Form, Link, useActionData } from "react-router";
import { z } from "zod";
import { AuthCard } from "~/components/auth-card";
import { CsrfInput, Field, FormMessage, RetryLater, buttonClass } from "~/components/form";
import { requestPasswordReset } from "~/domain/auth";
import { bearerLink, enqueueStoredTemplate } from "~/domain/outbox";
import { firstRefusal } from "~/domain/throttling";
import { emailAddress } from "~/domain/validation";
import { isLocale, translator } from "~/i18n";
import { useI18n } from "~/i18n/react";
import { parseForm, refuse } from "~/lib/forms.server";
import { ACCOUNT_FORM_ANSWER_MS, atLeast } from "~/lib/http.server";
import { tooManyAttempts } from "~/lib/throttle.server";
import type { Route } from "./+types/forgot-password";
import { retryAfterHeaders } from "~/lib/retry-after";

export { retryAfterHeaders as headers };

const forgotSchema = z.object({ email: emailAddress });

export async function action({ request, context }: Route.ActionArgs) {
  const submission = await parseForm(request, context, forgotSchema);
  if (submission.status !== "success") return refuse(submission);
  const { email } = submission.value;
  // The same answer, after the same time, whether or not the account exists: the form must not reveal who is a customer.
  return atLeast(
    ACCOUNT_FORM_ANSWER_MS,
    (async () => {
      // Counted per client and per address, whether or not the address has an account.
      const gate = await firstRefusal(
        () => context.throttles.consume("resetClient", context.clientIp),
        () => context.throttles.consume("resetAccount", email),
      );
      if (!gate.ok) return tooManyAttempts(submission, gate);
      await requestPasswordReset(context.db, email, new Date(), (tx, { user, token, resetId }) => {
        const locale = isLocale(user.locale) ? user.locale : "fr";
        // The link's token is sealed in `secret`: the stored props hold only the placeholder (see `bearerLink`).
        const link = bearerLink(context.config.ENCRYPTION_KEY, `${context.config.APP_URL}/reset-password/`, token);
        // Rendered by the worker that delivers it: no rendering here, where it would take time only for known addresses.
        return enqueueStoredTemplate(tx, {
          kind: "password_reset",
          to: user.email,
          subject: translator(locale)("email.reset.subject"),
          idempotencyKey: `password-reset/${resetId}`,
          secret: link.secret,
          template: { name: "passwordReset", props: { locale, name: user.name, url: link.url } },
        });
      });
      return { result: null, sent: true as const };
    })(),
  );
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
          <RetryLater actionData={actionData} />
          <p className="text-sm text-slate-600">{t("auth.forgotIntro")}</p>
          <Field meta={fields.email} type="email" autoComplete="email" label={t("auth.email")} required />
          <button className={`${buttonClass} w-full`}>{t("auth.forgotSend")}</button>
        </Form>
      )}
    </AuthCard>
  );
}
