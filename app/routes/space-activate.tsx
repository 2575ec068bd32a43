import { useForm } from "@conform-to/react";
import { Form, Link, redirect, useActionData, useLoaderData } from "react-router";
import { z } from "zod";
import { CsrfInput, Field, FormErrors, RetryLater, buttonClass } from "~/components/form";
import { activateAccess } from "~/domain/customer-space/access";
import { emailAddress, newPassword } from "~/domain/validation";
import { useI18n } from "~/i18n/react";
import { requireSpace, startCustomerSession } from "~/lib/customer-session.server";
import { spaceHome, spacePath } from "~/lib/space-path";
import { parseForm, refuse } from "~/lib/forms.server";
import { retryAfterHeaders } from "~/lib/retry-after";
import { tooManyAttempts } from "~/lib/throttle.server";
import type { Route } from "./+types/space-activate";

export { retryAfterHeaders as headers };

/** The code as typed (spaces and dashes allowed); the password follows the merchants' rules. */
const activateSchema = z
  .object({
    email: emailAddress,
    code: z.preprocess((v) => (typeof v === "string" ? v.trim() : ""), z.string().min(1, "errors.required").max(40, "space.activate.invalid")),
    password: newPassword,
    confirm: z.string({ error: "errors.required" }),
  })
  .refine((value) => value.password === value.confirm, { message: "errors.passwordMismatch", path: ["confirm"] });

export async function loader({ params, context }: Route.LoaderArgs) {
  const organisation = await requireSpace(context, params.orgId);
  return { orgId: organisation.id };
}

export async function action({ request, params, context }: Route.ActionArgs) {
  const organisation = await requireSpace(context, params.orgId);
  const submission = await parseForm(request, context, activateSchema);
  if (submission.status !== "success") return refuse(submission);
  const { email, code, password } = submission.value;
  const result = await activateAccess(context, { organisationId: organisation.id, email, code, password, client: context.clientIp }, new Date());
  if (!result.ok) {
    // Never the code itself in the log.
    context.log.info({ reason: result.reason, space: organisation.id }, "customer activation refused");
    if (result.reason === "throttled") return tooManyAttempts(submission, { ok: false, retryAfterMs: result.retryAfterMs });
    return refuse(submission, { formErrors: ["space.activate.invalid"] });
  }
  context.log.info({ accessId: result.accessId }, "customer space activated");
  return redirect(spaceHome(organisation.id), {
    headers: { "Set-Cookie": await startCustomerSession(context, { id: result.accessId, organisationId: organisation.id }) },
  });
}

export default function SpaceActivate() {
  const { t } = useI18n();
  const { orgId } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [form, fields] = useForm({ id: "space-activate", lastResult: actionData?.result });
  return (
    <section className="mx-auto max-w-md rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
      <title>{`${t("space.activate.title")} — ${t("app.name")}`}</title>
      <h1 className="mb-2 text-xl font-semibold">{t("space.activate.title")}</h1>
      <p className="mb-4 text-sm text-slate-600">{t("space.activate.intro")}</p>
      <Form method="post" className="space-y-4" id={form.id} onSubmit={form.onSubmit} noValidate>
        <CsrfInput />
        <FormErrors result={actionData?.result} />
        <RetryLater actionData={actionData} />
        <Field meta={fields.email} type="email" autoComplete="email" label={t("auth.email")} required />
        <Field
          meta={fields.code}
          autoComplete="one-time-code"
          autoCapitalize="characters"
          spellCheck={false}
          label={t("space.activate.code")}
          hint={t("space.activate.codeHint")}
          required
        />
        <Field
          meta={fields.password}
          type="password"
          autoComplete="new-password"
          label={t("auth.newPassword")}
          hint={t("auth.passwordHint")}
          required
          minLength={10}
        />
        <Field meta={fields.confirm} type="password" autoComplete="new-password" label={t("auth.passwordConfirm")} required />
        <button className={`${buttonClass} w-full`}>{t("space.activate.submit")}</button>
      </Form>
      <p className="mt-4 text-center text-sm">
        <Link className="text-blue-700 underline" to={spacePath(orgId, "/connexion")}>
          {t("space.activate.haveAccount")}
        </Link>
      </p>
    </section>
  );
}
