import { useForm } from "@conform-to/react";
import { type ChangeEvent, useState } from "react";
import { Form, redirect, useActionData, useLoaderData, useParams } from "react-router";
import { z } from "zod";
import { CsrfInput, Field, FieldError, FormErrors, buttonClass } from "~/components/form";
import { LanguageSwitch } from "~/components/language-switch";
import { MandateHistory } from "~/components/mandates";
import { balanceOf } from "~/domain/checkout";
import { listConnections } from "~/domain/connections";
import { checkIban, normaliseBic } from "~/domain/identifiers";
import { MANDATE_TYPES, creditorOf, hasRecurrentMandate, mandatesOfCustomer, startMandate } from "~/domain/mandates/service";
import { firstRefusal } from "~/domain/throttling";
import { emailAddress, optionalText, requiredText } from "~/domain/validation";
import { I18nProvider, useI18n } from "~/i18n/react";
import { parseForm, refuse } from "~/lib/forms.server";
import { invoiceOfLink, readerLocale } from "~/lib/public-link.server";
import { throwIfRefused } from "~/lib/throttle.server";
import { hashToken } from "~/lib/tokens.server";
import type { Route } from "./+types/public-mandate-new";

export async function loader({ request, params, context }: Route.LoaderArgs) {
  const invoice = await invoiceOfLink(context, params.token);
  const { organisation, customer } = invoice;
  const creditor = creditorOf(organisation, await listConnections(context.db, organisation.id));
  const unpaid = invoice.status === "open" || invoice.status === "partially_paid";
  const blocked = !creditor.ok ? creditor.reason : invoice.currency !== "EUR" ? "mandates.errors.euroOnly" : !unpaid ? "mandates.errors.invoiceSettled" : null;
  return {
    locale: readerLocale(request, customer),
    number: invoice.number!,
    merchant: organisation.legalName,
    currency: invoice.currency,
    leftMinor: balanceOf(invoice).leftMinor,
    blocked,
    // Automatic debit chosen once: no way back to one-off (issue 15, seed 001).
    noWayBack: await hasRecurrentMandate(context.db, organisation.id, customer.id),
    defaults: { holderName: customer.company || customer.name, email: customer.email, type: "one_off", iban: "", bic: "" },
    history: await mandatesOfCustomer(context.db, organisation.id, customer.id),
  };
}

/** An IBAN, told apart: not shaped like one ("Format de l'IBAN incorrect") or a typo in its check digits. */
const ibanField = requiredText(64).transform((value, ctx) => {
  const checked = checkIban(value);
  if (checked.ok) return checked.iban;
  ctx.addIssue({ code: "custom", message: checked.error === "checksum" ? "errors.ibanChecksum" : "errors.ibanFormat" });
  return z.NEVER;
});

const detailsSchema = z.object({
  iban: ibanField,
  // Optional in SEPA since 2016; proposed from the IBAN when left empty.
  bic: optionalText(11).transform((value, ctx) => {
    if (!value) return "";
    const bic = normaliseBic(value);
    if (!bic) ctx.addIssue({ code: "custom", message: "errors.bicFormat" });
    return bic ?? "";
  }),
  holderName: requiredText(70),
  email: emailAddress,
  type: z.enum(MANDATE_TYPES, { error: "errors.invalid" }).default("one_off"),
});

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
  const details = submission.value;
  if (invoice.status !== "open" && invoice.status !== "partially_paid") return refuse(submission, { formErrors: ["mandates.errors.invoiceSettled"] });
  const bic = details.bic || (await import("~/domain/bic")).proposeBic(details.iban) || "";
  const started = await startMandate(
    { db: context.db, encryptionKey: context.config.ENCRYPTION_KEY },
    {
      organisation: invoice.organisation,
      connections: await listConnections(context.db, invoice.organisationId),
      customer: invoice.customer,
      invoice: { id: invoice.id, currency: invoice.currency, amountMinor: balanceOf(invoice).leftMinor || null },
      details: { ...details, bic },
    },
    new Date(),
  );
  if (!started.ok) return refuse(submission, started.field ? { fieldErrors: { [started.field]: [started.error] } } : { formErrors: [started.error] });
  context.log.info({ invoiceId: invoice.id, mandateId: started.mandateId, type: details.type }, "mandate started");
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
  const { number, merchant, currency, leftMinor, blocked, noWayBack, defaults, history } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { token } = useParams();
  const [form, fields] = useForm({
    id: "mandate-form",
    lastResult: actionData?.result,
    defaultValue: { ...defaults, type: noWayBack ? "recurrent" : "one_off" },
  });
  const [bicNote, setBicNote] = useState(false);
  /** With JavaScript, the BIC of the IBAN's bank is proposed as the IBAN is typed (editable); without, on the summary. */
  async function onIbanChange(event: ChangeEvent<HTMLInputElement>) {
    const input = event.currentTarget;
    const iban = input.value;
    const bicInput = input.form?.elements.namedItem(fields.bic.name);
    if (!(bicInput instanceof HTMLInputElement)) return;
    const bic = (await import("~/domain/bic")).proposeBic(iban);
    if (input.value !== iban || !bic) return;
    if (bicInput.value.trim() === "" || bicInput.dataset.proposed === bicInput.value) {
      bicInput.value = bic;
      bicInput.dataset.proposed = bic;
      setBicNote(true);
    }
  }
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
        {blocked ? (
          <p className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900" role="status" data-testid="mandate-blocked">
            {t(blocked)}
          </p>
        ) : (
          <Form method="post" id={form.id} onSubmit={form.onSubmit} noValidate className="space-y-4">
            <CsrfInput />
            <FormErrors result={actionData?.result} placed={["iban", "bic", "holderName", "email", "type"]} />
            <Field meta={fields.iban} label={t("mandate.iban")} autoComplete="off" spellCheck={false} onChange={onIbanChange} />
            <Field
              meta={fields.bic}
              label={t("mandate.bic")}
              autoComplete="off"
              spellCheck={false}
              hint={t(bicNote ? "mandate.bicProposed" : "mandate.bicHint")}
            />
            <Field meta={fields.holderName} label={t("mandate.holder")} autoComplete="name" />
            <Field meta={fields.email} type="email" label={t("mandate.email")} autoComplete="email" hint={t("mandate.emailHint")} />
            <fieldset className="space-y-2">
              <legend className="mb-1 text-sm font-medium text-slate-700">{t("mandate.mode")}</legend>
              {noWayBack ? null : (
                <label className="flex items-start gap-2 text-sm">
                  <input type="radio" name={fields.type.name} value="one_off" defaultChecked={fields.type.initialValue !== "recurrent"} />
                  <span>
                    <span className="font-medium">{t("mandate.type.one_off")}</span> — {t("mandate.oneOffHint", { amount: money(leftMinor, currency) })}
                  </span>
                </label>
              )}
              <label className="flex items-start gap-2 text-sm">
                <input type="radio" name={fields.type.name} value="recurrent" defaultChecked={noWayBack || fields.type.initialValue === "recurrent"} />
                <span>
                  <span className="font-medium">{t("mandate.type.recurrent")}</span> — {t("mandate.recurrentHint")}
                </span>
              </label>
              <p className="text-xs text-slate-500" data-testid="no-way-back">
                {t(noWayBack ? "mandate.noWayBackNow" : "mandate.noWayBackWarning")}
              </p>
              <FieldError id={fields.type.errorId} errors={fields.type.errors} />
            </fieldset>
            <button className={buttonClass}>{t("mandate.continue")}</button>
          </Form>
        )}
      </section>
      {history.length ? <MandateHistory mandates={history} /> : null}
    </main>
  );
}
