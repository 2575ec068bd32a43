import { redirect, useActionData, useLoaderData, useParams } from "react-router";
import { LanguageSwitch } from "~/components/language-switch";
import { MandateSummaryView } from "~/components/mandate-flow";
import { balanceOf, invoicePayer } from "~/domain/checkout";
import { plannedMinor } from "~/domain/debits/service";
import { mandateForCustomer } from "~/domain/mandates/service";
import { firstRefusal } from "~/domain/throttling";
import { I18nProvider, useI18n } from "~/i18n/react";
import { parseForm, refuse, replyTo } from "~/lib/forms.server";
import { notFound } from "~/lib/http.server";
import { signSchema, signStep, summaryData } from "~/lib/mandate-flow.server";
import { invoiceOfLink, readerLocale } from "~/lib/public-link.server";
import { throwIfRefused } from "~/lib/throttle.server";
import { hashToken } from "~/lib/tokens.server";
import type { Route } from "./+types/public-mandate";

/** The invoice behind the link and one of its customer's mandates (404 for any other, whoever's it is). */
async function mandateOfLink(context: Route.LoaderArgs["context"], token: string, mandateId: string) {
  const invoice = await invoiceOfLink(context, token);
  const mandate = (await mandateForCustomer(context.db, invoice.organisationId, invoice.customerId, mandateId)) ?? notFound();
  return { invoice, mandate };
}

export async function loader({ request, params, context }: Route.LoaderArgs) {
  const { invoice, mandate } = await mandateOfLink(context, params.token, params.mandateId);
  return {
    ...(await summaryData(context, mandate, invoice.organisation)),
    locale: readerLocale(request, invoice.customer),
    number: invoice.number!,
    returned: new URL(request.url).searchParams.get("return") === "gocardless",
  };
}

export async function action({ request, params, context }: Route.ActionArgs) {
  const { invoice, mandate } = await mandateOfLink(context, params.token, params.mandateId);
  const submission = await parseForm(request, context, signSchema);
  if (submission.status !== "success") return refuse(submission);
  // Codes are emails and text messages sent on the customer's say: a few per client, and per link whatever the client.
  throwIfRefused(
    await firstRefusal(
      () => context.throttles.consume("mandateCodeClient", context.clientIp),
      () => (submission.value.intent === "send" ? context.throttles.consume("mandateLink", hashToken(params.token)) : Promise.resolve({ ok: true as const })),
    ),
  );
  const outcome = await signStep(context, {
    mandate,
    step: submission.value,
    pdfLink: { token: params.token },
    // What is left on the invoice, less what automatic debits already plan to collect on it (never asked twice).
    collect: async () => ({
      payer: invoicePayer(invoice),
      amountMinor: balanceOf(invoice).leftMinor - (await plannedMinor(context.db, invoice.organisationId, invoice.customerId, invoice.id)),
    }),
    here: `${context.config.APP_URL}/i/${params.token}/mandate/${mandate.id}`,
  });
  if (outcome.kind === "sent") return { result: replyTo(submission, { resetForm: true }), sent: outcome.destination };
  if (outcome.kind === "error")
    return refuse(submission, outcome.field ? { fieldErrors: { [outcome.field]: [outcome.error] } } : { formErrors: [outcome.error] });
  if (outcome.kind === "redirect") return new Response(null, { status: 303, headers: { Location: outcome.url } });
  return redirect(`/i/${params.token}/mandate/${mandate.id}`, 303);
}

export default function MandatePage() {
  const { locale } = useLoaderData<typeof loader>();
  return (
    <I18nProvider locale={locale}>
      <MandateSummary />
    </I18nProvider>
  );
}

function MandateSummary() {
  const { t } = useI18n();
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { token, mandateId } = useParams();
  return (
    <main className="mx-auto max-w-2xl space-y-5 px-4 py-6">
      <title>{`${t("mandate.pdfTitle")} — ${data.mentions.creditor.name}`}</title>
      <meta name="robots" content="noindex" />
      <div className="flex items-center justify-between gap-3">
        <a className="text-sm text-blue-700 underline" href={`/i/${token}`}>
          {t("mandate.backToInvoice", { number: data.number })}
        </a>
        <LanguageSwitch />
      </div>
      <MandateSummaryView
        data={data}
        result={actionData?.result}
        returned={data.returned}
        paths={{ pdf: `/i/${token}/mandate/${mandateId}/pdf`, form: `/i/${token}/mandate` }}
      />
    </main>
  );
}
