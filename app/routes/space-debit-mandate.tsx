import { Link, redirect, useActionData, useLoaderData, useSearchParams } from "react-router";
import { MandateSummaryView } from "~/components/mandate-flow";
import { accountToPay } from "~/domain/accounts/pay-balance";
import { balancePayer } from "~/domain/checkout";
import { plannedMinor } from "~/domain/debits/service";
import { mandateForCustomer } from "~/domain/mandates/service";
import { firstRefusal } from "~/domain/throttling";
import { useI18n } from "~/i18n/react";
import { requireCustomer } from "~/lib/customer-session.server";
import { parseForm, refuse, replyTo } from "~/lib/forms.server";
import { notFound } from "~/lib/http.server";
import { signSchema, signStep, summaryData } from "~/lib/mandate-flow.server";
import { spacePath } from "~/lib/space-path";
import { throwIfRefused } from "~/lib/throttle.server";
import type { Route } from "./+types/space-debit-mandate";

/** One of the signed-in customer's mandates (404 for anyone else's): its summary and the code step. */
async function ownMandate(request: Request, context: Route.LoaderArgs["context"], orgId: string, mandateId: string) {
  const signedIn = await requireCustomer(request, context, orgId);
  const mandate = (await mandateForCustomer(context.db, signedIn.organisation.id, signedIn.customer.id, mandateId)) ?? notFound();
  return { ...signedIn, mandate };
}

export async function loader({ request, params, context }: Route.LoaderArgs) {
  const { organisation, mandate } = await ownMandate(request, context, params.orgId, params.mandateId);
  return { ...(await summaryData(context, mandate, organisation)), orgId: organisation.id, mandateId: mandate.id };
}

export async function action({ request, params, context }: Route.ActionArgs) {
  const { organisation, customer, access, mandate } = await ownMandate(request, context, params.orgId, params.mandateId);
  const submission = await parseForm(request, context, signSchema);
  if (submission.status !== "success") return refuse(submission);
  throwIfRefused(
    await firstRefusal(
      () => context.throttles.consume("mandateCodeClient", context.clientIp),
      () => (submission.value.intent === "send" ? context.throttles.consume("mandateLink", `space:${access.id}`) : Promise.resolve({ ok: true as const })),
    ),
  );
  const page = spacePath(organisation.id, `/prelevement/${mandate.id}`);
  const outcome = await signStep(context, {
    mandate,
    step: submission.value,
    pdfLink: { url: `${context.config.APP_URL}${page}/pdf` },
    // GoCardless's flow collects the account's balance (or spreads it, when chosen, once the mandate is set up).
    collect: async () => ({
      payer: balancePayer(customer, "EUR"),
      amountMinor:
        ((await accountToPay(context.db, organisation.id, customer.id)).find((a) => a.currency === "EUR")?.toPayMinor ?? 0) -
        (await plannedMinor(context.db, organisation.id, customer.id)),
    }),
    here: `${context.config.APP_URL}${page}`,
  });
  if (outcome.kind === "sent") return { result: replyTo(submission, { resetForm: true }), sent: outcome.destination };
  if (outcome.kind === "error")
    return refuse(submission, outcome.field ? { fieldErrors: { [outcome.field]: [outcome.error] } } : { formErrors: [outcome.error] });
  if (outcome.kind === "redirect") return new Response(null, { status: 303, headers: { Location: outcome.url } });
  return redirect(page, 303);
}

export default function SpaceDebitMandate() {
  const { t } = useI18n();
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [params] = useSearchParams();
  const page = spacePath(data.orgId, "/prelevement");
  return (
    <div className="space-y-5">
      <title>{t("mandate.pdfTitle")}</title>
      <Link className="text-sm text-blue-700 hover:underline" to={page}>
        {t("space.debit.back")}
      </Link>
      <MandateSummaryView
        data={data}
        result={actionData?.result}
        returned={params.get("return") === "gocardless"}
        paths={{ pdf: `${page}/${data.mandateId}/pdf`, form: `${page}/mandat` }}
      />
    </div>
  );
}
