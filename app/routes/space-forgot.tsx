import { useForm } from "@conform-to/react";
import { Form, Link, useActionData, useLoaderData } from "react-router";
import { z } from "zod";
import { CsrfInput, Field, FormMessage, RetryLater, buttonClass } from "~/components/form";
import { requestCustomerReset } from "~/domain/customer-space/access";
import { spaceUrl } from "~/domain/customer-space/invite";
import { bearerLink, enqueueStoredTemplate } from "~/domain/outbox";
import { firstRefusal } from "~/domain/throttling";
import { emailAddress } from "~/domain/validation";
import { isLocale, translator } from "~/i18n";
import { useI18n } from "~/i18n/react";
import { requireSpace } from "~/lib/customer-session.server";
import { spacePath } from "~/lib/space-path";
import { parseForm, refuse } from "~/lib/forms.server";
import { ACCOUNT_FORM_ANSWER_MS, atLeast } from "~/lib/http.server";
import { retryAfterHeaders } from "~/lib/retry-after";
import { tooManyAttempts } from "~/lib/throttle.server";
import type { Route } from "./+types/space-forgot";

export { retryAfterHeaders as headers };

const forgotSchema = z.object({ email: emailAddress });

export async function loader({ params, context }: Route.LoaderArgs) {
  const organisation = await requireSpace(context, params.orgId);
  return { orgId: organisation.id };
}

export async function action({ request, params, context }: Route.ActionArgs) {
  const organisation = await requireSpace(context, params.orgId);
  const submission = await parseForm(request, context, forgotSchema);
  if (submission.status !== "success") return refuse(submission);
  const { email } = submission.value;
  // As for merchants (routes/forgot-password.tsx): the same answer after the same time, whoever the address is.
  return atLeast(
    ACCOUNT_FORM_ANSWER_MS,
    (async () => {
      const gate = await firstRefusal(
        () => context.throttles.consume("resetClient", context.clientIp),
        () => context.throttles.consume("resetAccount", `space|${organisation.id}|${email}`),
      );
      if (!gate.ok) return tooManyAttempts(submission, gate);
      await requestCustomerReset(context.db, organisation.id, email, new Date(), (tx, { access, token, resetId }) => {
        const locale = isLocale(access.customer.locale) ? access.customer.locale : "fr";
        const link = bearerLink(context.config.ENCRYPTION_KEY, spaceUrl(context.config.APP_URL, organisation.id, "/reinitialiser/"), token);
        return enqueueStoredTemplate(tx, {
          kind: "customer_space_reset",
          to: access.email,
          subject: translator(locale)("space.email.reset.subject", { merchant: organisation.legalName }),
          idempotencyKey: `customer-space-reset/${resetId}`,
          organisationId: organisation.id,
          secret: link.secret,
          template: { name: "customerSpaceReset", props: { locale, merchant: organisation.legalName, name: access.customer.name, url: link.url } },
        });
      });
      return { result: null, sent: true as const };
    })(),
  );
}

export default function SpaceForgot() {
  const { t } = useI18n();
  const { orgId } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [form, fields] = useForm({ id: "space-forgot", lastResult: actionData?.result });
  return (
    <section className="mx-auto max-w-md rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
      <title>{`${t("auth.forgotTitle")} — ${t("app.name")}`}</title>
      <h1 className="mb-4 text-xl font-semibold">{t("auth.forgotTitle")}</h1>
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
      <p className="mt-4 text-center text-sm">
        <Link className="text-blue-700 underline" to={spacePath(orgId, "/connexion")}>
          {t("auth.login")}
        </Link>
      </p>
    </section>
  );
}
