import { useForm } from "@conform-to/react";
import { Form, data, useActionData, useLoaderData, useParams } from "react-router";
import { z } from "zod";
import { ReturnNotice } from "~/components/return-notice";
import { Checkbox, CsrfInput, FieldError, FormErrors, FormMessage, buttonClass, inputClass } from "~/components/form";
import { InvoiceLines } from "~/components/invoice-lines";
import { InvoiceMentions } from "~/components/invoice-mentions";
import { LanguageSwitch } from "~/components/language-switch";
import { automaticDebitOf, liveRecurrentMandate } from "~/domain/debits/service";
import { balanceOf, invoicePayer, openCheckout, payAmount, paymentOptions, returnState } from "~/domain/checkout";
import { listConnections } from "~/domain/connections";
import { invoiceForToken, voidedInvoiceForToken, type PublicInvoice } from "~/domain/consultation";
import { displayIban } from "~/domain/identifiers";
import { creditorOf } from "~/domain/mandates/service";
import { printedMentions } from "~/domain/invoices/mentions";
import { partiesOf } from "~/domain/invoices/service";
import { computeTotals } from "~/domain/invoices/totals";
import { creditNotesOfInvoice } from "~/domain/credit-notes/service";
import { sharesOnInvoice } from "~/domain/payments";
import { excessOf, refundsOf } from "~/domain/refunds";
import { firstRefusal } from "~/domain/throttling";
import { checkbox } from "~/domain/validation";
import { isLocale, type Locale } from "~/i18n";
import { I18nProvider, useI18n } from "~/i18n/react";
import { minorToInput } from "~/lib/format";
import { parseForm, refuse } from "~/lib/forms.server";
import { notFound } from "~/lib/http.server";
import { countUnknownLink, refuseLinkGuessers, throwIfRefused } from "~/lib/throttle.server";
import { hashToken } from "~/lib/tokens.server";
import { LOCALE_COOKIE, cookieValue } from "~/lib/session.server";
import { PROVIDERS, isProviderId } from "../../integrations/types";
import type { Route } from "./+types/public-invoice";

/** The customer reads in their own language unless they picked another one here. */
function readerLocale(request: Request, invoice: PublicInvoice): Locale {
  const chosen = cookieValue(request, LOCALE_COOKIE);
  if (isLocale(chosen)) return chosen;
  return isLocale(invoice.customer.locale) ? invoice.customer.locale : "fr";
}

async function optionsFor(context: Route.LoaderArgs["context"], invoice: PublicInvoice) {
  return paymentOptions(invoice, await listConnections(context.db, invoice.organisationId), context.providers);
}

/** The invoice behind the link; a client that guesses links is refused (429) before any lookup. */
async function invoiceOfLink(context: Route.LoaderArgs["context"], token: string) {
  await refuseLinkGuessers(context);
  const invoice = await invoiceForToken(context.db, token);
  if (!invoice) await countUnknownLink(context);
  return invoice ?? notFound();
}

/** A link that stopped working because its invoice was voided: who cancelled it (410), else the usual 404. */
async function voidedOrNotFound(request: Request, context: Route.LoaderArgs["context"], token: string) {
  const voided = await voidedInvoiceForToken(context.db, token);
  if (!voided) {
    await countUnknownLink(context);
    return notFound();
  }
  const chosen = cookieValue(request, LOCALE_COOKIE);
  const locale: Locale = isLocale(chosen) ? chosen : isLocale(voided.customerLocale) ? voided.customerLocale : "fr";
  return data({ locale, voided: { number: voided.number, merchant: voided.merchant } }, { status: 410 });
}

export async function loader({ request, params, context }: Route.LoaderArgs) {
  await refuseLinkGuessers(context);
  const invoice = await invoiceForToken(context.db, params.token);
  if (!invoice) return voidedOrNotFound(request, context, params.token);
  const parties = partiesOf(invoice);
  const { seller, buyer } = parties;
  const returnedFrom = new URL(request.url).searchParams.get("return");
  const inFlight = invoice.payments.filter((p) => p.status === "processing");
  const balance = balanceOf(invoice);
  const refunds = await refundsOf(context.db, invoice.organisationId, invoice.payments);
  const locale = readerLocale(request, invoice);
  // Read once: what can be paid online and whether a mandate can be signed both depend on them.
  const connections = await listConnections(context.db, invoice.organisationId);
  return {
    locale,
    voided: null,
    invoice: {
      number: invoice.number!,
      status: invoice.status,
      currency: invoice.currency,
      issueDate: invoice.issueDate,
      dueDate: invoice.dueDate,
      subtotalMinor: invoice.subtotalMinor,
      totalMinor: invoice.totalMinor,
      amountPaidMinor: invoice.amountPaidMinor,
      amountDueMinor: invoice.amountDueMinor,
      allowPartialPayment: invoice.allowPartialPayment,
      paymentTerms: invoice.paymentTerms,
      notes: invoice.notes,
    },
    seller: {
      legalName: seller.legalName,
      addressLine1: seller.addressLine1,
      postalCode: seller.postalCode,
      city: seller.city,
      siret: seller.siret,
      // Where to pay now: the merchant's current account (as in the customer space), not the one printed on the
      // invoice when it was issued, which the merchant may since have closed.
      iban: invoice.organisation.iban ? displayIban(invoice.organisation.iban) : seller.iban ? displayIban(seller.iban) : "",
      bic: invoice.organisation.iban ? invoice.organisation.bic : seller.bic,
    },
    buyer: { name: buyer.name, company: buyer.company },
    lines: invoice.lines,
    vat: computeTotals(invoice.lines).vat,
    mentions: printedMentions(
      parties,
      invoice.lines.map((line) => line.vatRateBasisPoints),
    ),
    // What was received (money on its way is shown apart, failed attempts not at all).
    payments: [
      ...invoice.payments.filter((p) => p.status === "confirmed").map((p) => ({ id: p.id, amountMinor: p.amountMinor, createdAt: p.createdAt })),
      // Shares of payments made on the customer's account.
      ...(await sharesOnInvoice(context.db, invoice.organisationId, invoice.id))
        .filter((s) => s.countedMinor > 0)
        .map((s) => ({ id: s.id, amountMinor: s.countedMinor, createdAt: s.createdAt })),
    ],
    inFlight: inFlight.map((p) => ({ id: p.id, amountMinor: p.amountMinor, method: p.method, startedAt: p.createdAt })),
    balance,
    refunds: refunds.map((r) => ({ id: r.id, amountMinor: r.amountMinor, status: r.status, requestedAt: r.createdAt })),
    overpaidMinor: excessOf(invoice, refunds).overpaidMinor,
    // Issue 14: the invoice's credit notes, each downloadable through this same link.
    amountCreditedMinor: invoice.amountCreditedMinor,
    creditNotes: await creditNotesOfInvoice(context.db, invoice.organisationId, invoice.id),
    // Back from the provider's page (`?return=`): where that payment stands (waiting for the provider's news, on its way, done).
    returned: isProviderId(returnedFrom) ? { provider: returnedFrom, outcome: await returnState(context.db, { invoiceId: invoice.id }, returnedFrom) } : null,
    options: paymentOptions(invoice, connections, context.providers),
    // Issue 15: a SEPA mandate can be signed from here (own-ICS creditor, or GoCardless connected), in euros.
    mandateOffered: invoice.currency === "EUR" && creditorOf(invoice.organisation, connections).ok,
    // Issue 15: a customer in automatic debit is collected automatically: the pay tab says so (and when).
    automatic: await automaticDebitOf(context.db, invoice.organisationId, invoice.customerId, invoice.id),
    // Nothing is offered ready to pay while the money on its way covers what is due.
    defaultAmount: balance.leftMinor > 0 ? minorToInput(balance.leftMinor, invoice.currency, locale) : "",
  };
}

/**
 * The pay form: the clicked button names the provider; an empty amount means what is left to pay.
 * `payAnyway` is the customer's confirmation that they pay although a payment is already on its way.
 */
const paySchema = z.object({
  provider: z.enum(PROVIDERS, { error: "checkout.errors.unavailableMethod" }),
  amount: z.preprocess((v) => (typeof v === "string" ? v : ""), z.string().max(40, "errors.amount")),
  payAnyway: checkbox,
});

export async function action({ request, params, context }: Route.ActionArgs) {
  const invoice = await invoiceOfLink(context, params.token);
  const submission = await parseForm(request, context, paySchema);
  if (submission.status !== "success") return refuse(submission);
  // Each click may open a checkout at the provider: a few per client and per link.
  throwIfRefused(
    await firstRefusal(
      () => context.throttles.consume("payClient", context.clientIp),
      () => context.throttles.consume("payLink", hashToken(params.token)),
    ),
  );
  const { provider, amount, payAnyway } = submission.value;
  // In automatic debit, the invoice is collected on the mandate: no other payment is offered from here (issue 15).
  if (await liveRecurrentMandate(context.db, invoice.organisationId, invoice.customerId))
    return refuse(submission, { formErrors: ["debits.automaticInstead"] });
  const option = (await optionsFor(context, invoice)).find((o) => o.provider === provider && o.available);
  if (!option) return refuse(submission, { formErrors: ["checkout.errors.unavailableMethod"] });
  const payable = payAmount(amount, invoice, payAnyway);
  if (!payable.ok) return refuse(submission, { fieldErrors: { [payable.field]: [payable.error] } });
  const pageUrl = `${context.config.APP_URL}/i/${params.token}`;
  const result = await openCheckout(
    { db: context.db, providers: context.providers, encryptionKey: context.config.ENCRYPTION_KEY, log: context.log },
    { payer: invoicePayer(invoice), provider, amountMinor: payable.amountMinor, returnUrl: `${pageUrl}?return=${provider}`, cancelUrl: pageUrl },
    new Date(),
  );
  if (!result.ok) return refuse(submission, { formErrors: [result.error] });
  // A full-page redirect to the provider's hosted page (another origin in production).
  return new Response(null, { status: 303, headers: { Location: result.url } });
}

export default function PublicInvoicePage() {
  const loaded = useLoaderData<typeof loader>();
  return <I18nProvider locale={loaded.locale}>{loaded.voided ? <VoidedInvoice {...loaded.voided} /> : <PublicInvoiceView />}</I18nProvider>;
}

/** The page's data for an invoice that can be consulted (not a voided one's). */
function useInvoiceData() {
  const loaded = useLoaderData<typeof loader>();
  if (loaded.voided) throw new Error("a voided invoice has no consultation view");
  return loaded;
}

/** What the link of a voided invoice shows: who sent it, and that nothing is to be paid. */
function VoidedInvoice({ number, merchant }: { number: string; merchant: string }) {
  const { t } = useI18n();
  return (
    <main className="mx-auto max-w-2xl space-y-5 px-4 py-6">
      <title>{`${t("public.title", { number })} — ${merchant}`}</title>
      <meta name="robots" content="noindex" />
      <div className="flex items-center justify-between gap-3">
        <p className="text-sm text-slate-600">{t("public.from", { merchant })}</p>
        <LanguageSwitch />
      </div>
      <section className="space-y-3 rounded-lg border border-slate-200 bg-white p-5 shadow-sm" data-testid="voided">
        <h1 className="text-2xl font-bold">{t("public.title", { number })}</h1>
        <p className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900" role="status">
          {t("public.voidedBy", { merchant })}
        </p>
        <p className="text-sm text-slate-600">{t("public.voidedHint", { merchant })}</p>
      </section>
    </main>
  );
}

function PublicInvoiceView() {
  const { t, money, date } = useI18n();
  const {
    invoice,
    seller,
    buyer,
    lines,
    vat,
    mentions,
    payments,
    inFlight,
    balance,
    refunds,
    overpaidMinor,
    returned,
    options,
    defaultAmount,
    amountCreditedMinor,
    creditNotes,
    mandateOffered,
    automatic,
  } = useInvoiceData();
  const actionData = useActionData<typeof action>();
  const [form, fields] = useForm<{ amount: string; provider: string; payAnyway: string }>({
    // Not "pay": that is the section the "Pay" tab links to, and a field's `form` attribute names its form by id.
    id: "pay-form",
    lastResult: actionData?.result,
    defaultValue: { amount: defaultAmount },
  });
  const { token } = useParams();
  const unpaid = invoice.status === "open" || invoice.status === "partially_paid";
  const inFlightAmount = money(balance.inFlightMinor, invoice.currency);
  // Everything due is already on its way: paying is still possible, behind a deliberate step.
  const covered = balance.inFlightMinor > 0 && balance.leftMinor === 0;
  const payForm = (
    <Form method="post" className="space-y-4" id={form.id} onSubmit={form.onSubmit} noValidate>
      <CsrfInput />
      <div>
        <label htmlFor={fields.amount.id} className="mb-1 block text-sm font-medium">
          {t("public.amount")} ({invoice.currency})
        </label>
        <input
          key={fields.amount.key}
          id={fields.amount.id}
          name={fields.amount.name}
          inputMode="decimal"
          defaultValue={fields.amount.initialValue ?? ""}
          readOnly={!invoice.allowPartialPayment && !covered}
          aria-invalid={fields.amount.errors ? true : undefined}
          aria-describedby={fields.amount.errors ? fields.amount.errorId : undefined}
          className={`${inputClass} max-w-48`}
        />
        {covered ? (
          <p className="mt-1 text-xs text-slate-500">{t("public.amountEmptyIsDue", { amount: money(balance.dueMinor, invoice.currency) })}</p>
        ) : invoice.allowPartialPayment ? (
          <p className="mt-1 text-xs text-slate-500">{t("public.amountHint")}</p>
        ) : null}
        <FieldError id={fields.amount.errorId} errors={fields.amount.errors} />
      </div>
      {balance.inFlightMinor > 0 ? (
        <div className="space-y-2 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900">
          <p>{t("public.payAnywayWarning", { amount: inFlightAmount })}</p>
          <Checkbox meta={fields.payAnyway} label={t("public.payAnywayConfirm", { amount: inFlightAmount })} />
          <FieldError id={fields.payAnyway.errorId} errors={fields.payAnyway.errors} />
        </div>
      ) : null}
      <div className="flex flex-col gap-3">
        {options.map((option) => (
          <div key={option.provider}>
            <button name="provider" value={option.provider} disabled={!option.available} className={`${buttonClass} w-full sm:w-auto`}>
              {t(`public.payWith.${option.method}`)}
            </button>
            <p className="mt-1 text-xs text-slate-500">
              {option.reason ? t(option.reason) : t(option.method === "card" ? "public.cardHint" : "public.directDebitHint")}
            </p>
          </div>
        ))}
      </div>
    </Form>
  );
  return (
    <main className="mx-auto max-w-2xl space-y-5 px-4 py-6">
      <title>{`${t("public.title", { number: invoice.number })} — ${seller.legalName}`}</title>
      <meta name="robots" content="noindex" />
      <div className="flex items-center justify-between gap-3">
        <p className="text-sm text-slate-600">{t("public.from", { merchant: seller.legalName })}</p>
        <LanguageSwitch />
      </div>
      <header className="rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
        <h1 className="text-2xl font-bold">{t("public.title", { number: invoice.number })}</h1>
        <p className="text-slate-600">{buyer.company || buyer.name}</p>
        <dl className="mt-3 grid grid-cols-2 gap-2 text-sm">
          <dt>{t("invoices.issueDate")}</dt>
          <dd className="text-right">{date(invoice.issueDate)}</dd>
          <dt>{t("invoices.dueDate")}</dt>
          <dd className="text-right">{date(invoice.dueDate)}</dd>
          <dt>{t("invoices.total")}</dt>
          <dd className="text-right tabular-nums">{money(invoice.totalMinor, invoice.currency)}</dd>
          {invoice.amountPaidMinor > 0 ? (
            <>
              <dt>{t("invoices.amountPaid")}</dt>
              <dd className="text-right tabular-nums">{money(invoice.amountPaidMinor, invoice.currency)}</dd>
            </>
          ) : null}
          {amountCreditedMinor > 0 ? (
            <>
              <dt>{t("invoices.amountCredited")}</dt>
              <dd className="text-right tabular-nums">{money(amountCreditedMinor, invoice.currency)}</dd>
            </>
          ) : null}
          {overpaidMinor > 0 ? (
            <>
              <dt>{t("invoices.overpaid")}</dt>
              <dd className="text-right font-semibold tabular-nums text-amber-800" data-testid="overpaid">
                {money(overpaidMinor, invoice.currency)}
              </dd>
            </>
          ) : null}
          {balance.inFlightMinor > 0 ? (
            <>
              <dt>{t("invoices.inFlight")}</dt>
              <dd className="text-right tabular-nums" data-testid="in-flight">
                {inFlightAmount}
              </dd>
            </>
          ) : null}
          <dt className="font-semibold">{balance.inFlightMinor > 0 && unpaid ? t("invoices.leftAfterInFlight") : t("invoices.amountDue")}</dt>
          <dd className="text-right text-lg font-bold tabular-nums" data-testid="amount-due">
            {money(unpaid ? balance.leftMinor : invoice.amountDueMinor, invoice.currency)}
          </dd>
        </dl>
        <nav className="mt-4 flex gap-4 text-sm font-medium">
          <a className="text-blue-700 underline" href="#invoice">
            {t("public.tabs.invoice")}
          </a>
          {unpaid ? (
            <a className="text-blue-700 underline" href="#pay">
              {t("public.tabs.pay")}
            </a>
          ) : null}
          <a className="text-blue-700 underline" href={`/i/${token}/pdf`} download>
            {t("public.downloadPdf")}
          </a>
        </nav>
      </header>

      {invoice.status === "paid" ? <FormMessage success={t("public.paid")} /> : null}
      {invoice.status === "void" ? <FormMessage error="public.void" /> : null}
      {invoice.status === "credited" ? <FormMessage success={t("public.credited")} /> : null}
      {creditNotes.length ? (
        <section className="rounded-lg border border-slate-200 bg-white p-5 text-sm shadow-sm" data-testid="credit-notes">
          <h2 className="mb-2 text-lg font-semibold">{t("creditNotes.title")}</h2>
          <ul className="space-y-1">
            {creditNotes.map((note) => (
              <li key={note.id}>
                <a className="text-blue-700 underline" href={`/i/${token}/credit-notes/${note.id}/pdf`} download>
                  {t("creditNotes.pageTitle", { number: note.number })}
                </a>{" "}
                — {date(note.issueDate)} — {money(note.totalMinor, note.currency)}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {overpaidMinor > 0 ? (
        <p className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900" role="status" data-testid="overpaid-notice">
          {t("public.overpaid", { excess: money(overpaidMinor, invoice.currency), merchant: seller.legalName })}
        </p>
      ) : null}
      <ReturnNotice returned={returned} unpaid={unpaid} currency={invoice.currency} />
      {inFlight.length ? (
        <div className="space-y-1 rounded-md border border-sky-200 bg-sky-50 p-3 text-sm text-sky-900" role="status" data-testid="processing">
          {inFlight.map((p) => (
            <p key={p.id} data-testid="in-flight-payment">
              {`${t("payments.inFlight", {
                amount: money(p.amountMinor, invoice.currency),
                method: t(`payments.inFlightMethod.${p.method as "card"}`),
                date: date(p.startedAt),
              })}.`}
            </p>
          ))}
          {unpaid ? <p>{t(covered ? "public.inFlightCovers" : "public.inFlightPartial")}</p> : null}
          {invoice.status === "paid" ? <p>{t("public.inFlightAfterPaid", { merchant: seller.legalName })}</p> : null}
        </div>
      ) : null}

      {unpaid ? (
        <section id="pay" className="space-y-4 rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
          <h2 className="text-lg font-semibold">{t("public.payTitle")}</h2>
          <FormErrors result={actionData?.result} placed={["amount", "payAnyway"]} />
          {automatic ? (
            <div className="rounded-md border border-sky-200 bg-sky-50 p-3 text-sm text-sky-900" role="status" data-testid="automatic-debit">
              <p>{t("debits.payTabAutomatic", { reference: automatic.reference })}</p>
              {automatic.planned ? (
                <p>
                  {t("debits.payTabAutomaticDate", {
                    date: date(automatic.planned.collectionDate),
                    amount: money(automatic.planned.amountMinor, automatic.planned.currency),
                  })}
                </p>
              ) : null}
            </div>
          ) : null}
          {automatic ? null : options.length === 0 ? (
            <p className="text-sm text-slate-600">{t("public.noOnlinePayment")}</p>
          ) : covered ? (
            <details open={Boolean(actionData?.result)} className="space-y-4">
              <summary className="cursor-pointer text-sm font-medium text-blue-700 underline">{t("public.payAnyway")}</summary>
              {payForm}
            </details>
          ) : (
            payForm
          )}
          {mandateOffered ? (
            <p className="text-sm">
              <a className="font-medium text-blue-700 underline" href={`/i/${token}/mandate`} data-testid="mandate-link">
                {t("public.payByMandate")}
              </a>
            </p>
          ) : null}
          {seller.iban ? (
            <div className="border-t border-slate-100 pt-4 text-sm">
              <h3 className="font-semibold">{t("public.transferTitle")}</h3>
              <p>{seller.legalName}</p>
              <p>{t("pdf.iban", { iban: seller.iban })}</p>
              {seller.bic ? <p>{t("pdf.bic", { bic: seller.bic })}</p> : null}
              <p>{t("public.transferReference", { number: invoice.number })}</p>
            </div>
          ) : null}
        </section>
      ) : null}

      <section id="invoice" className="rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
        <InvoiceLines currency={invoice.currency} lines={lines} vat={vat} subtotalMinor={invoice.subtotalMinor} totalMinor={invoice.totalMinor} />
        {invoice.paymentTerms ? <p className="mt-4 text-sm">{invoice.paymentTerms}</p> : null}
        {invoice.notes ? <p className="mt-2 whitespace-pre-line text-sm text-slate-700">{invoice.notes}</p> : null}
        <InvoiceMentions mentions={mentions} buyerName={buyer.company || buyer.name} />
      </section>

      {payments.length || refunds.length ? (
        <section className="rounded-lg border border-slate-200 bg-white p-5 text-sm shadow-sm">
          <h2 className="mb-2 font-semibold">{t("public.payments")}</h2>
          <ul data-testid="payments">
            {payments.map((p) => (
              <li key={p.id}>
                {date(p.createdAt)} — {money(p.amountMinor, invoice.currency)}
              </li>
            ))}
            {refunds.map((r) => (
              <li key={r.id} data-testid="refund">
                {t(`payments.refund.${r.status as "pending"}`, { amount: money(r.amountMinor, invoice.currency), date: date(r.requestedAt) })}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <p className="text-center text-xs text-slate-500">
        {[seller.legalName, seller.addressLine1, `${seller.postalCode} ${seller.city}`.trim(), seller.siret ? `SIRET ${seller.siret}` : ""]
          .filter(Boolean)
          .join(" · ")}
      </p>
    </main>
  );
}
