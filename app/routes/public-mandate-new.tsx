import { redirect, useActionData, useLoaderData, useParams } from "react-router";
import { LanguageSwitch } from "~/components/language-switch";
import { MandateFormView } from "~/components/mandate-flow";
import { MandateHistory } from "~/components/mandates";
import { balanceOf } from "~/domain/checkout";
import { firstRefusal } from "~/domain/throttling";
import { I18nProvider, useI18n } from "~/i18n/react";
import { parseForm, refuse } from "~/lib/forms.server";
import { detailsSchema, formData, startFromForm } from "~/lib/mandate-flow.server";
import { invoiceOfLink, readerLocale } from "~/lib/public-link.server";
import { throwIfRefused } from "~/lib/throttle.server";
import { hashToken } from "~/lib/tokens.server";
import type { Route } from "./+types/public-mandate-new";

export async function loader({ request, params, context }: Route.LoaderArgs) {
  const invoice = await invoiceOfLink(context, params.token);
  const { organisation, customer } = invoice;
  const data = await formData(context, organisation, customer);
  const unpaid = invoice.status === "open" || invoice.status === "partially_paid";
  return {
    ...data,
    locale: readerLocale(request, customer),
    number: invoice.number!,
    merchant: organisation.legalName,
    currency: invoice.currency,
    leftMinor: balanceOf(invoice).leftMinor,
    blocked: data.creditorBlocked ?? (invoice.currency !== "EUR" ? "mandates.errors.euroOnly" : !unpaid ? "mandates.errors.invoiceSettled" : null),
  };
}

export async function action({ request, params, context }: Route.ActionArgs) {
  const invoice = await invoiceOfLink(context, params.token);
  const submission = await parseForm(request, context, detailsSchema);
  if (submission.status !== "success") return refuse(submission);
  throwIfRefused(
    await firstRefusal(
      () => context.throttles.consume("mandateClient", context.clientIp),
      () => context.throttles.consume("mandateLink", hashToken(params.token)),
    ),
  );
  if (invoice.status !== "open" && invoice.status !== "partially_paid") return refuse(submission, { formErrors: ["mandates.errors.invoiceSettled"] });
  const started = await startFromForm(context, {
    organisation: invoice.organisation,
    customer: invoice.customer,
    invoice: { id: invoice.id, currency: invoice.currency, amountMinor: balanceOf(invoice).leftMinor || null },
    details: submission.value,
  });
  if (!started.ok) return refuse(submission, started.field ? { fieldErrors: { [started.field]: [started.error] } } : { formErrors: [started.error] });
  context.log.info({ invoiceId: invoice.id, mandateId: started.mandateId, type: submission.value.type }, "mandate started");
  return redirect(`/i/${params.token}/mandate/${started.mandateId}`, 303);
}

export default function MandateNewPage() {
  const { locale } = useLoaderData<typeof loader>();
  return (
    <I18nProvider locale={locale}>
      <MandateForm />
    </I18nProvider>
  );
}

function MandateForm() {
  const { t, money } = useI18n();
  const { number, merchant, currency, leftMinor, blocked, noWayBack, defaults, history, spread } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { token } = useParams();
  return (
    <main className="mx-auto max-w-2xl space-y-5 px-4 py-6">
      <title>{`${t("mandate.title")} — ${merchant}`}</title>
      <meta name="robots" content="noindex" />
      <div className="flex items-center justify-between gap-3">
        <a className="text-sm text-blue-700 underline" href={`/i/${token}`}>
          {t("mandate.backToInvoice", { number })}
        </a>
        <LanguageSwitch />
      </div>
      <section className="space-y-4 rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
        <h1 className="text-2xl font-bold">{t("mandate.title")}</h1>
        <p className="text-sm text-slate-600">{t("mandate.intro", { merchant })}</p>
        <MandateFormView
          blocked={blocked}
          noWayBack={noWayBack}
          defaults={defaults}
          spread={spread}
          oneOffHint={t("mandate.oneOffHint", { amount: money(leftMinor, currency) })}
          result={actionData?.result}
        />
      </section>
      {history.length ? <MandateHistory mandates={history} /> : null}
    </main>
  );
}
