import { redirect, useActionData, useLoaderData } from "react-router";
import { Link } from "react-router";
import { MandateFormView } from "~/components/mandate-flow";
import { accountToPay } from "~/domain/accounts/pay-balance";
import { plannedMinor } from "~/domain/debits/service";
import { firstRefusal } from "~/domain/throttling";
import { useI18n } from "~/i18n/react";
import { requireCustomer } from "~/lib/customer-session.server";
import { parseForm, refuse } from "~/lib/forms.server";
import { detailsSchema, formData, startFromForm } from "~/lib/mandate-flow.server";
import { spacePath } from "~/lib/space-path";
import { throwIfRefused } from "~/lib/throttle.server";
import type { Route } from "./+types/space-debit-new";

/** What a one-off mandate from the space collects: what is left to pay on the account, in euros. */
async function balanceToPay(context: Route.LoaderArgs["context"], organisationId: string, customerId: string) {
  const toPay = (await accountToPay(context.db, organisationId, customerId)).find((a) => a.currency === "EUR")?.toPayMinor ?? 0;
  return Math.max(0, toPay - (await plannedMinor(context.db, organisationId, customerId)));
}

/** Signing a mandate from the customer space: the pay tab's form, for the account rather than one invoice. */
export async function loader({ request, params, context }: Route.LoaderArgs) {
  const { customer, organisation } = await requireCustomer(request, context, params.orgId);
  return {
    ...(await formData(context, organisation, customer)),
    orgId: organisation.id,
    merchant: organisation.legalName,
    toPayMinor: await balanceToPay(context, organisation.id, customer.id),
  };
}

export async function action({ request, params, context }: Route.ActionArgs) {
  const { customer, organisation, access } = await requireCustomer(request, context, params.orgId);
  const submission = await parseForm(request, context, detailsSchema);
  if (submission.status !== "success") return refuse(submission);
  throwIfRefused(
    await firstRefusal(
      () => context.throttles.consume("mandateClient", context.clientIp),
      () => context.throttles.consume("mandateLink", `space:${access.id}`),
    ),
  );
  const toPayMinor = await balanceToPay(context, organisation.id, customer.id);
  // A one-off debit from the space collects the balance: nothing due, nothing to sign one for.
  if (submission.value.type === "one_off" && toPayMinor <= 0) return refuse(submission, { formErrors: ["mandates.errors.nothingToCollect"] });
  const started = await startFromForm(context, {
    organisation,
    customer,
    invoice: { id: null, currency: "EUR", amountMinor: toPayMinor || null },
    details: submission.value,
  });
  if (!started.ok) return refuse(submission, started.field ? { fieldErrors: { [started.field]: [started.error] } } : { formErrors: [started.error] });
  context.log.info({ customerId: customer.id, mandateId: started.mandateId, type: submission.value.type }, "mandate started from the customer space");
  return redirect(spacePath(organisation.id, `/prelevement/${started.mandateId}`), 303);
}

export default function SpaceDebitNew() {
  const { t, money } = useI18n();
  const { orgId, merchant, creditorBlocked, noWayBack, defaults, spread, toPayMinor } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <div className="space-y-5">
      <title>{`${t("mandate.title")} — ${merchant}`}</title>
      <Link className="text-sm text-blue-700 hover:underline" to={spacePath(orgId, "/prelevement")}>
        {t("space.debit.back")}
      </Link>
      <section className="space-y-4 rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
        <h1 className="text-2xl font-bold">{t("mandate.title")}</h1>
        <p className="text-sm text-slate-600">{t("mandate.intro", { merchant })}</p>
        <MandateFormView
          blocked={creditorBlocked}
          noWayBack={noWayBack}
          defaults={defaults}
          spread={spread}
          oneOffHint={toPayMinor > 0 ? t("mandate.oneOffHint", { amount: money(toPayMinor, "EUR") }) : null}
          result={actionData?.result}
        />
      </section>
    </div>
  );
}
