import { Form, Link, redirect, useActionData } from "react-router";
import { z } from "zod";
import { AuthCard } from "~/components/auth-card";
import { CsrfInput, Field, FormMessage, buttonClass } from "~/components/form";
import { signUp } from "~/domain/auth";
import { emailAddress, newPassword, requiredText, validate } from "~/domain/validation";
import { useI18n } from "~/i18n/react";
import { readForm } from "~/lib/forms.server";
import { getSession, resolveLocale, startSession } from "~/lib/session.server";
import type { Route } from "./+types/signup";

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
  const { values } = await readForm(request, context);
  const parsed = validate(signUpSchema, values);
  const { password: _password, csrf: _csrf, ...echo } = values;
  if (!parsed.ok) return { errors: parsed.errors, values: echo };
  const locale = await resolveLocale(request, context);
  const result = await signUp(context.db, { ...parsed.data, locale });
  if (!result.ok) return { errors: { email: "auth.emailTaken" as const }, values: echo };
  context.log.info({ userId: result.user.id, organisationId: result.organisation.id }, "merchant signed up");
  const cookie = await startSession(context, result.user.id, result.organisation.id);
  return redirect("/settings/organisation", { headers: { "Set-Cookie": cookie } });
}

export default function SignUp() {
  const { t } = useI18n();
  const result = useActionData<typeof action>();
  const values = result?.values ?? {};
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
      <Form method="post" className="space-y-4" noValidate>
        <CsrfInput />
        {result?.errors && Object.keys(result.errors).length ? <FormMessage error="common.fixErrors" /> : null}
        <Field name="name" autoComplete="name" label={t("auth.name")} defaultValue={values.name} errors={result?.errors} required />
        <Field name="email" type="email" autoComplete="email" label={t("auth.email")} defaultValue={values.email} errors={result?.errors} required />
        <Field
          name="password"
          type="password"
          autoComplete="new-password"
          label={t("auth.password")}
          hint={t("auth.passwordHint")}
          errors={result?.errors}
          required
          minLength={10}
        />
        <Field
          name="organisationName"
          autoComplete="organization"
          label={t("auth.organisationName")}
          defaultValue={values.organisationName}
          errors={result?.errors}
          required
        />
        <button className={`${buttonClass} w-full`}>{t("auth.signup")}</button>
      </Form>
    </AuthCard>
  );
}
