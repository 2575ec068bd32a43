import { useForm } from "@conform-to/react";
import { Form, Link, redirect, useActionData } from "react-router";
import { z } from "zod";
import { AuthCard } from "~/components/auth-card";
import { CsrfInput, Field, FormErrors, RetryLater, buttonClass } from "~/components/form";
import { signUp } from "~/domain/auth";
import { emailAddress, newPassword, requiredText } from "~/domain/validation";
import { useI18n } from "~/i18n/react";
import { parseForm, refuse } from "~/lib/forms.server";
import { getSession, resolveLocale, startSession } from "~/lib/session.server";
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

export async function action({ request, context }: Route.ActionArgs) {
  const submission = await parseForm(request, context, signUpSchema);
  if (submission.status !== "success") return refuse(submission);
  const gate = await context.throttles.consume("signupClient", context.clientIp);
  if (!gate.ok) return tooManyAttempts(submission, gate);
  const locale = await resolveLocale(request, context);
  const result = await signUp(context.db, { ...submission.value, locale });
  if (!result.ok) return refuse(submission, { fieldErrors: { email: ["auth.emailTaken"] } });
  context.log.info({ userId: result.user.id, organisationId: result.organisation.id }, "merchant signed up");
  const cookie = await startSession(context, result.user.id, result.organisation.id);
  return redirect("/settings/organisation", { headers: { "Set-Cookie": cookie } });
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
    </AuthCard>
  );
}
