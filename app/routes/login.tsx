import { useForm } from "@conform-to/react";
import { Form, Link, redirect, useActionData, useSearchParams } from "react-router";
import { z } from "zod";
import { AuthCard } from "~/components/auth-card";
import { CsrfInput, Field, FormErrors, buttonClass } from "~/components/form";
import { authenticate } from "~/domain/auth";
import { emailAddress } from "~/domain/validation";
import { useI18n } from "~/i18n/react";
import { parseForm, refuse, replyTo } from "~/lib/forms.server";
import { getSession, safeRedirectTarget, startSession } from "~/lib/session.server";
import type { Route } from "./+types/login";

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
  const result = await authenticate(context.db, email, password, new Date());
  if (!result.ok) {
    context.log.info({ reason: result.reason }, "login refused");
    if (result.reason === "throttled") return { result: replyTo(submission, { formErrors: ["auth.throttled"] }), minutes: result.retryAfterMinutes };
    return refuse(submission, { formErrors: ["auth.invalidCredentials"] });
  }
  const cookie = await startSession(context, result.user.id, null);
  const target = result.user.mustChangePassword ? "/account/password" : safeRedirectTarget(redirectTo, context.config.APP_URL);
  return redirect(target, { headers: { "Set-Cookie": cookie } });
}

export default function Login() {
  const { t } = useI18n();
  const actionData = useActionData<typeof action>();
  const [params] = useSearchParams();
  const [form, fields] = useForm({ id: "login", lastResult: actionData?.result });
  const minutes = actionData && "minutes" in actionData ? actionData.minutes : undefined;
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
        {minutes !== undefined ? (
          <p className="rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800" role="alert">
            {t("auth.throttled", { minutes: minutes ?? 15 })}
          </p>
        ) : (
          <FormErrors result={actionData?.result} />
        )}
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
