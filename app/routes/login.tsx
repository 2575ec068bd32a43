import { useForm } from "@conform-to/react";
import { Form, Link, redirect, useActionData, useSearchParams } from "react-router";
import { z } from "zod";
import { AuthCard } from "~/components/auth-card";
import { CsrfInput, Field, FormErrors, RetryLater, buttonClass } from "~/components/form";
import { login } from "~/domain/auth";
import { emailAddress } from "~/domain/validation";
import { useI18n } from "~/i18n/react";
import { parseForm, refuse } from "~/lib/forms.server";
import { getSession, isKnownBrowser, knownBrowserCookie, safeRedirectTarget, startSession } from "~/lib/session.server";
import { tooManyAttempts } from "~/lib/throttle.server";
import type { Route } from "./+types/login";
import { retryAfterHeaders } from "~/lib/retry-after";

export { retryAfterHeaders as headers };

const loginSchema = z.object({
  email: emailAddress,
  password: z.string({ error: "errors.required" }).min(1, "errors.required").max(256, "errors.passwordTooLong"),
  redirectTo: z.string().optional(),
});

export async function loader({ request, context }: Route.LoaderArgs) {
  if (await getSession(request, context)) throw redirect("/invoices");
  return null;
}

export async function action({ request, context }: Route.ActionArgs) {
  const submission = await parseForm(request, context, loginSchema);
  if (submission.status !== "success") return refuse(submission);
  const { email, password, redirectTo } = submission.value;
  const knownBrowser = isKnownBrowser(request, context, email);
  const result = await login(context, { email, password, client: context.clientIp, knownBrowser });
  if (!result.ok) {
    context.log.info({ reason: result.reason }, "login refused");
    if (result.reason === "throttled") return tooManyAttempts(submission, { ok: false, retryAfterMs: result.retryAfterMs });
    return refuse(submission, { formErrors: ["auth.invalidCredentials"] });
  }
  const headers = new Headers();
  headers.append("Set-Cookie", await startSession(context, result.user.id, null));
  headers.append("Set-Cookie", knownBrowserCookie(request, context, email));
  const target = result.user.mustChangePassword ? "/account/password" : safeRedirectTarget(redirectTo, context.config.APP_URL);
  return redirect(target, { headers });
}

export default function Login() {
  const { t } = useI18n();
  const actionData = useActionData<typeof action>();
  const [params] = useSearchParams();
  const [form, fields] = useForm({ id: "login", lastResult: actionData?.result });

  return (
    <AuthCard
      title={t("auth.loginTitle")}
      footer={
        <>
          {t("auth.noAccount")}{" "}
          <Link className="text-blue-700 underline" to="/signup">
            {t("auth.signup")}
          </Link>
        </>
      }
    >
      <Form method="post" className="space-y-4" id={form.id} onSubmit={form.onSubmit} noValidate>
        <CsrfInput />
        <input type="hidden" name="redirectTo" value={params.get("redirectTo") ?? ""} />
        <FormErrors result={actionData?.result} />
        <RetryLater actionData={actionData} />
        <Field meta={fields.email} type="email" autoComplete="email" label={t("auth.email")} required />
        <Field meta={fields.password} type="password" autoComplete="current-password" label={t("auth.password")} required />
        <button className={`${buttonClass} w-full`}>{t("auth.login")}</button>
        <p className="text-center text-sm">
          <Link className="text-blue-700 underline" to="/forgot-password">
            {t("auth.forgot")}
          </Link>
        </p>
      </Form>
    </AuthCard>
  );
}
