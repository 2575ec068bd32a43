import { Link, redirect, useActionData, useLoaderData, useSearchParams } from "react-router";
import { z } from "zod";
import { ConfirmLink, ConfirmStep, confirmHref } from "~/components/confirm";
import { FormMessage } from "~/components/form";
import { MandateHistory } from "~/components/mandates";
import { PageHeader } from "~/components/page";
import { getCustomer } from "~/domain/customers";
import { cancelMandate } from "~/domain/mandates/cancel";
import { mandatesOfCustomer } from "~/domain/mandates/service";
import { can } from "~/domain/permissions";
import { optionalText } from "~/domain/validation";
import { useI18n } from "~/i18n/react";
import { parseForm, refuse } from "~/lib/forms.server";
import { forbidden, notFound } from "~/lib/http.server";
import { requireMember } from "~/lib/session.server";
import type { Route } from "./+types/customer-mandate";

/** One of the organisation's customers' mandates (404 for any other organisation's, or another customer's). */
async function mandateOf(context: Route.LoaderArgs["context"], organisationId: string, customerId: string, mandateId: string) {
  const customer = (await getCustomer(context.db, organisationId, customerId)) ?? notFound();
  const mandate = (await mandatesOfCustomer(context.db, organisationId, customer.id)).find((m) => m.id === mandateId) ?? notFound();
  return { customer, mandate };
}

export async function loader({ request, params, context }: Route.LoaderArgs) {
  const { organisation, role } = await requireMember(request, context);
  const { customer, mandate } = await mandateOf(context, organisation.id, params.customerId, params.mandateId);
  return {
    customer: { id: customer.id, name: customer.name },
    mandate,
    canCancel: can(role, "managePayments") && ["pending", "active"].includes(mandate.status),
  };
}

const cancelSchema = z.object({ intent: z.literal("cancelMandate", { error: "errors.unknownAction" }), confirmed: optionalText(3) });

export async function action({ request, params, context }: Route.ActionArgs) {
  const { organisation, role } = await requireMember(request, context);
  await mandateOf(context, organisation.id, params.customerId, params.mandateId);
  if (!can(role, "managePayments")) forbidden();
  const submission = await parseForm(request, context, cancelSchema);
  if (submission.status !== "success") return refuse(submission);
  const here = `/customers/${params.customerId}/mandates/${params.mandateId}`;
  // Destructive: only with the confirmation step's `confirmed=yes`.
  if (submission.value.confirmed !== "yes") return redirect(confirmHref(here, "cancelMandate"));
  const result = await cancelMandate(
    { db: context.db, gocardless: context.providers.gocardless, encryptionKey: context.config.ENCRYPTION_KEY, log: context.log },
    { organisationId: organisation.id, customerId: params.customerId, mandateId: params.mandateId },
    new Date(),
  );
  if (!result.ok) return refuse(submission, { formErrors: [result.error] });
  return redirect(`${here}?cancelled=1`);
}

export default function CustomerMandatePage() {
  const { t } = useI18n();
  const { customer, mandate, canCancel } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [params] = useSearchParams();
  const here = `/customers/${customer.id}/mandates/${mandate.id}`;
  const formError = actionData?.result?.error?.[""]?.[0];
  return (
    <div className="max-w-4xl space-y-6">
      <PageHeader title={`${t("mandates.mandate")} ${mandate.reference}`}>
        <Link className="text-sm text-blue-700 hover:underline" to={`/customers/${customer.id}`}>
          {customer.name}
        </Link>
      </PageHeader>
      {params.get("cancelled") ? <FormMessage success={t("mandates.cancelled")} /> : null}
      {formError ? <FormMessage error={formError as "errors.invalid"} /> : null}
      <MandateHistory mandates={[mandate]} />
      {canCancel ? (
        params.get("confirm") === "cancelMandate" ? (
          <ConfirmStep
            title={t("mandates.cancelTitle")}
            intent="cancelMandate"
            confirmLabel={t("mandates.cancel")}
            cancelLabel={t("common.cancel")}
            cancelTo={here}
          >
            <p>{t(mandate.creditorKind === "gocardless" ? "mandates.cancelExplainGoCardless" : "mandates.cancelExplain")}</p>
          </ConfirmStep>
        ) : (
          <ConfirmLink to={confirmHref(here, "cancelMandate")}>{t("mandates.cancel")}</ConfirmLink>
        )
      ) : null}
    </div>
  );
}
