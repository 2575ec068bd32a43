import { useForm } from "@conform-to/react";
import { Form, Link, redirect, useActionData, useLoaderData, useSearchParams } from "react-router";
import { z } from "zod";
import { CsrfInput, Field, FormErrors, RetryLater, buttonClass } from "~/components/form";
import { customerLogin, loginKey } from "~/domain/customer-space/access";
import { emailAddress } from "~/domain/validation";
import { useI18n } from "~/i18n/react";
import {
  getCustomerSession,
  isKnownCustomerBrowser,
  knownCustomerBrowserCookie,
  requireSpace,
  spaceTarget,
  startCustomerSession,
} from "~/lib/customer-session.server";
import { spaceHome, spacePath } from "~/lib/space-path";
import { parseForm, refuse } from "~/lib/forms.server";
import { retryAfterHeaders } from "~/lib/retry-after";
import { tooManyAttempts } from "~/lib/throttle.server";
import type { Route } from "./+types/space-login";

export { retryAfterHeaders as headers };

const loginSchema = z.object({
  email: emailAddress,
  password: z.string({ error: "errors.required" }).min(1, "errors.required").max(256, "errors.passwordTooLong"),
  redirectTo: z.string().optional(),
});

export async function loader({ request, params, context }: Route.LoaderArgs) {
  const organisation = await requireSpace(context, params.orgId);
  if (await getCustomerSession(request, context, organisation.id)) throw redirect(spaceHome(organisation.id));
  return { orgId: organisation.id };
}

export async function action({ request, params, context }: Route.ActionArgs) {
  const organisation = await requireSpace(context, params.orgId);
  const submission = await parseForm(request, context, loginSchema);
  if (submission.status !== "success") return refuse(submission);
  const { email, password, redirectTo } = submission.value;
  const key = loginKey(organisation.id, email);
  const result = await customerLogin(context, {
    organisationId: organisation.id,
    email,
    password,
    client: context.clientIp,
    knownBrowser: isKnownCustomerBrowser(request, context, key),
  });
  if (!result.ok) {
    context.log.info({ reason: result.reason, space: organisation.id }, "customer login refused");
    if (result.reason === "throttled") return tooManyAttempts(submission, { ok: false, retryAfterMs: result.retryAfterMs });
    return refuse(submission, { formErrors: ["auth.invalidCredentials"] });
  }
  const headers = new Headers();
  headers.append("Set-Cookie", await startCustomerSession(context, { id: result.access.id, organisationId: organisation.id }));
  headers.append("Set-Cookie", knownCustomerBrowserCookie(request, context, organisation.id, key));
  const target = result.access.mustChangePassword
    ? spacePath(organisation.id, "/mot-de-passe")
    : spaceTarget(redirectTo, context.config.APP_URL, organisation.id);
  return redirect(target, { headers });
}

export default function SpaceLogin() {
  const { t } = useI18n();
  const { orgId } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [params] = useSearchParams();
  const [form, fields] = useForm({ id: "space-login", lastResult: actionData?.result });
  return (
    <div className="mx-auto grid max-w-3xl gap-6 md:grid-cols-2">
      <title>{`${t("space.login.title")} — ${t("app.name")}`}</title>
      <section className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
        <h1 className="mb-4 text-xl font-semibold">{t("space.login.title")}</h1>
        <Form method="post" className="space-y-4" id={form.id} onSubmit={form.onSubmit} noValidate>
          <CsrfInput />
          <input type="hidden" name="redirectTo" value={params.get("redirectTo") ?? ""} />
          <FormErrors result={actionData?.result} />
          <RetryLater actionData={actionData} />
          <Field meta={fields.email} type="email" autoComplete="email" label={t("auth.email")} required />
          <Field meta={fields.password} type="password" autoComplete="current-password" label={t("auth.password")} required />
          <button className={`${buttonClass} w-full`}>{t("auth.login")}</button>
          <p className="text-center text-sm">
            <Link className="text-blue-700 underline" to={spacePath(orgId, "/mot-de-passe-oublie")}>
              {t("auth.forgot")}
            </Link>
          </p>
        </Form>
      </section>
      <section className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
        <h2 className="mb-2 text-lg font-semibold">{t("space.activate.newUser")}</h2>
        <p className="mb-4 text-sm text-slate-600">{t("space.activate.newUserHint")}</p>
        <Link className={buttonClass} to={spacePath(orgId, "/activer")}>
          {t("space.activate.title")}
        </Link>
      </section>
    </div>
  );
}
