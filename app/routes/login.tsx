import { Form, Link, redirect, useActionData, useSearchParams } from "react-router";
import { z } from "zod";
import { AuthCard } from "~/components/auth-card";
import { CsrfInput, Field, FormMessage, buttonClass } from "~/components/form";
import { authenticate } from "~/domain/auth";
import { emailAddress, validate } from "~/domain/validation";
import { useI18n } from "~/i18n/react";
import { readForm } from "~/lib/forms.server";
import { getSession, safeRedirectTarget, startSession } from "~/lib/session.server";
import type { Route } from "./+types/login";

const loginSchema = z.object({
  email: emailAddress,
  password: z.string({ error: "errors.required" }).min(1, "errors.required").max(256, "errors.passwordTooLong"),
});

export async function loader({ request, context }: Route.LoaderArgs) {
  if (await getSession(request, context)) throw redirect("/invoices");
  return null;
}

export async function action({ request, context }: Route.ActionArgs) {
  const { values } = await readForm(request, context);
  const parsed = validate(loginSchema, values);
  if (!parsed.ok) return { errors: parsed.errors, email: values.email ?? "" };
  const result = await authenticate(context.db, parsed.data.email, parsed.data.password, new Date());
  if (!result.ok) {
    context.log.info({ reason: result.reason }, "login refused");
    return result.reason === "throttled"
      ? { errors: {}, formError: "auth.throttled" as const, minutes: result.retryAfterMinutes, email: parsed.data.email }
      : { errors: {}, formError: "auth.invalidCredentials" as const, email: parsed.data.email };
  }
  const cookie = await startSession(context, result.user.id, null);
  const target = result.user.mustChangePassword ? "/account/password" : safeRedirectTarget(values.redirectTo);
  return redirect(target, { headers: { "Set-Cookie": cookie } });
}

export default function Login() {
  const { t } = useI18n();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const formError = result && "formError" in result ? result.formError : null;
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
      <Form method="post" className="space-y-4" noValidate>
        <CsrfInput />
        <input type="hidden" name="redirectTo" value={params.get("redirectTo") ?? ""} />
        {formError === "auth.throttled" && result && "minutes" in result ? (
          <p className="rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800" role="alert">
            {t("auth.throttled", { minutes: result.minutes ?? 15 })}
          </p>
        ) : (
          <FormMessage error={formError} />
        )}
        <Field name="email" type="email" autoComplete="email" label={t("auth.email")} defaultValue={result?.email} errors={result?.errors} required />
        <Field name="password" type="password" autoComplete="current-password" label={t("auth.password")} errors={result?.errors} required />
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
