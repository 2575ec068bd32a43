import { Form, redirect, useActionData, useLoaderData } from "react-router";
import { AuthCard } from "~/components/auth-card";
import { Checkbox, CsrfInput, Field, FormMessage, buttonClass, secondaryButtonClass } from "~/components/form";
import { normaliseIban } from "~/domain/identifiers";
import type { MessageKey } from "~/i18n";
import { useI18n } from "~/i18n/react";
import { readForm } from "~/lib/forms.server";
import { notFound } from "~/lib/http.server";
import { fulfilBillingRequest, gcBillingRequests, gcFlows } from "../../integrations/sandbox/gocardless-payments";
import { sandboxState } from "../../integrations/sandbox/state";
import { sendGoCardlessEvents } from "../../integrations/sandbox/webhooks";
import type { Route } from "./+types/sandbox-gocardless-flow";

/** The offline stand-in for GoCardless's hosted Billing Request Flow (mandate set-up). */
function flowOf(context: Route.LoaderArgs["context"], id: string) {
  if (!context.providers.gocardless.sandbox) notFound();
  const flow = gcFlows().get(id) ?? notFound();
  return { flow, billingRequest: gcBillingRequests().get(flow.billing_request) ?? notFound() };
}

export async function loader({ params, context }: Route.LoaderArgs) {
  const { flow, billingRequest } = flowOf(context, params.flowId);
  return {
    open: billingRequest.status !== "fulfilled" && new Date(flow.expires_at) > new Date(),
    merchant: sandboxState().accounts.get(billingRequest.organisation)?.name ?? billingRequest.organisation,
    scheme: billingRequest.mandate_request.scheme,
    holder: [flow.prefilled_customer.given_name, flow.prefilled_customer.family_name].filter(Boolean).join(" "),
  };
}

export async function action({ request, params, context }: Route.ActionArgs) {
  const { flow, billingRequest } = flowOf(context, params.flowId);
  const { values, intent } = await readForm(request, context);
  if (intent === "exit") return redirect(flow.exit_uri);
  const errors: Record<string, MessageKey> = {};
  if (!(values.holder ?? "").trim()) errors.holder = "errors.required";
  if (!normaliseIban(values.iban ?? "")) errors.iban = "errors.ibanFormat";
  if (values.consent !== "on") errors.consent = "sandbox.consentRequired";
  if (Object.keys(errors).length) return { errors, values };
  const done = fulfilBillingRequest(flow.id);
  if (!done) notFound();
  const organisation = billingRequest.organisation;
  await sendGoCardlessEvents([
    { resource_type: "mandates", action: "created", links: { mandate: done!.mandateId, organisation } },
    {
      resource_type: "billing_requests",
      action: "fulfilled",
      links: { billing_request: billingRequest.id, mandate_request_mandate: done!.mandateId, organisation },
    },
  ]);
  return redirect(flow.redirect_uri);
}

export default function SandboxFlow() {
  const { t } = useI18n();
  const { open, merchant, scheme, holder } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <AuthCard title={t("sandbox.flowTitle")}>
      {!open ? (
        <FormMessage error="sandbox.flowClosed" />
      ) : (
        <Form method="post" className="space-y-4" noValidate>
          <CsrfInput />
          <p className="text-sm text-amber-700">{t("providers.sandboxNotice")}</p>
          <p className="text-sm">{t("sandbox.flowIntro", { merchant })}</p>
          <p className="text-sm">
            {t("sandbox.creditor", { merchant })}
            <br />
            {t("sandbox.scheme", { scheme })}
          </p>
          <Field name="holder" label={t("sandbox.holder")} defaultValue={result?.values.holder ?? holder} errors={result?.errors} />
          <Field name="iban" label={t("sandbox.iban")} defaultValue={result?.values.iban ?? "FR76 3000 6000 0112 3456 7890 189"} errors={result?.errors} />
          <Checkbox name="consent" label={t("sandbox.consentLabel")} />
          {result?.errors.consent ? <FormMessage error={result.errors.consent} /> : null}
          <div className="flex flex-wrap gap-3">
            <button name="intent" value="confirm" className={buttonClass}>
              {t("sandbox.confirmMandate")}
            </button>
            <button name="intent" value="exit" className={secondaryButtonClass}>
              {t("sandbox.cancel")}
            </button>
          </div>
        </Form>
      )}
    </AuthCard>
  );
}
