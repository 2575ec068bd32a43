import { randomUUID } from "node:crypto";
import { useForm } from "@conform-to/react";
import { Form, Link, redirect, useActionData } from "react-router";
import { z } from "zod";
import { AuthCard } from "~/components/auth-card";
import { CsrfInput, Field, FormErrors, FormMessage, RetryLater, buttonClass } from "~/components/form";
import { requestSignUp } from "~/domain/auth";
import { bearerLink, enqueueStoredTemplate } from "~/domain/outbox";
import { emailAddress, newPassword, requiredText } from "~/domain/validation";
import { isLocale, translator } from "~/i18n";
import { useI18n } from "~/i18n/react";
import { parseForm, refuse } from "~/lib/forms.server";
import { ACCOUNT_FORM_ANSWER_MS, atLeast } from "~/lib/http.server";
import { getSession, resolveLocale } from "~/lib/session.server";
import { tooManyAttempts } from "~/lib/throttle.server";
import type { Route } from "./+types/signup";
import { retryAfterHeaders } from "~/lib/retry-after";

export { retryAfterHeaders as headers };

const signUpSchema = z.object({
  name: requiredText(120),
  email: emailAddress,
  password: newPassword,
  organisationName: requiredText(120),
});

export async function loader({ request, context }: Route.LoaderArgs) {
  if (await getSession(request, context)) throw redirect("/invoices");
  return null;
}

/**
 * Nothing is created here: the address gets an email, with the link that creates the account, or, when it
 * already has one, a word to its owner. The answer ("check your email") and its time are the same either way.
 */
export async function action({ request, context }: Route.ActionArgs) {
  const submission = await parseForm(request, context, signUpSchema);
  if (submission.status !== "success") return refuse(submission);
  const locale = await resolveLocale(request, context);
  const { config } = context;
  const appUrl = config.APP_URL;
  return atLeast(
    ACCOUNT_FORM_ANSWER_MS,
    (async () => {
      // Counted per client, whether or not the address has an account.
      const gate = await context.throttles.consume("signupClient", context.clientIp);
      if (!gate.ok) return tooManyAttempts(submission, gate);
      await requestSignUp(context.db, { ...submission.value, locale }, new Date(), (tx, outcome) => {
        // Stored templates, rendered by the worker that delivers them: the same little work here on both paths.
        if (outcome.kind === "confirm") {
          // The link's token is sealed in `secret`: the stored props hold only the placeholder (see `bearerLink`).
          const link = bearerLink(config.ENCRYPTION_KEY, `${appUrl}/signup/`, outcome.token);
          return enqueueStoredTemplate(tx, {
            kind: "signup_confirm",
            to: submission.value.email,
            subject: translator(locale)("email.signup.subject"),
            idempotencyKey: `signup/${randomUUID()}`,
            secret: link.secret,
            template: { name: "signupConfirm", props: { locale, name: submission.value.name, url: link.url } },
          });
        }
        const ownerLocale = isLocale(outcome.user.locale) ? outcome.user.locale : "fr";
        return enqueueStoredTemplate(tx, {
          kind: "signup_existing",
          to: outcome.user.email,
          subject: translator(ownerLocale)("email.signupExisting.subject"),
          idempotencyKey: `signup/${randomUUID()}`,
          template: {
            name: "signupExisting",
            props: { locale: ownerLocale, name: outcome.user.name, loginUrl: `${appUrl}/login`, resetUrl: `${appUrl}/forgot-password` },
          },
        });
      });
      return { result: null, sentTo: submission.value.email };
    })(),
  );
}

export default function SignUp() {
  const { t } = useI18n();
  const actionData = useActionData<typeof action>();
  const [form, fields] = useForm({ id: "signup", lastResult: actionData?.result });
  return (
    <AuthCard
      title={t("auth.signupTitle")}
      footer={
        <>
          {t("auth.haveAccount")}{" "}
          <Link className="text-blue-700 underline" to="/login">
            {t("auth.login")}
          </Link>
        </>
      }
    >
      {actionData && "sentTo" in actionData ? (
        <FormMessage success={t("auth.signupSent", { email: actionData.sentTo })} />
      ) : (
        <Form method="post" className="space-y-4" id={form.id} onSubmit={form.onSubmit} noValidate>
          <CsrfInput />
          <FormErrors result={actionData?.result} summary />
          <RetryLater actionData={actionData} />
          <Field meta={fields.name} autoComplete="name" label={t("auth.name")} required />
          <Field meta={fields.email} type="email" autoComplete="email" label={t("auth.email")} required />
          <Field
            meta={fields.password}
            type="password"
            autoComplete="new-password"
            label={t("auth.password")}
            hint={t("auth.passwordHint")}
            required
            minLength={10}
          />
          <Field meta={fields.organisationName} autoComplete="organization" label={t("auth.organisationName")} required />
          <button className={`${buttonClass} w-full`}>{t("auth.signup")}</button>
        </Form>
      )}
    </AuthCard>
  );
}
