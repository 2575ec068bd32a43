import { useForm } from "@conform-to/react";
import { Form, redirect, useActionData, useLoaderData, useParams } from "react-router";
import { z } from "zod";
import { Checkbox, CsrfInput, Field, FieldError, FormErrors, FormMessage, buttonClass, secondaryButtonClass } from "~/components/form";
import { LanguageSwitch } from "~/components/language-switch";
import { balanceOf, invoicePayer } from "~/domain/checkout";
import { displayIban } from "~/domain/identifiers";
import {
  CODE_CHANNELS,
  awaitingCode,
  consentTextHash,
  ibanOf,
  mandateForCustomer,
  signMandate,
  verifyCode,
  type CreditorSnapshot,
  type MandateRow,
} from "~/domain/mandates/service";
import { openGoCardlessMandateFlow, queueSignedConfirmation, sendMandateCode } from "~/domain/mandates/signing";
import { addressLine, mandateLegalText } from "~/domain/mandates/texts";
import { firstRefusal } from "~/domain/throttling";
import { checkbox, optionalText } from "~/domain/validation";
import { translator, type Locale } from "~/i18n";
import { I18nProvider, useI18n } from "~/i18n/react";
import { parseForm, refuse, replyTo } from "~/lib/forms.server";
import { notFound } from "~/lib/http.server";
import { invoiceOfLink, readerLocale } from "~/lib/public-link.server";
import { smsSender } from "~/lib/sms.server";
import { throwIfRefused } from "~/lib/throttle.server";
import { hashToken } from "~/lib/tokens.server";
import { normalisePhone } from "../../integrations/sms";
import type { Route } from "./+types/public-mandate";

/** The invoice behind the link and one of its customer's mandates (404 for any other, whoever's it is). */
async function mandateOfLink(context: Route.LoaderArgs["context"], token: string, mandateId: string) {
  const invoice = await invoiceOfLink(context, token);
  const mandate = (await mandateForCustomer(context.db, invoice.organisationId, invoice.customerId, mandateId)) ?? notFound();
  return { invoice, mandate };
}

/** Every mention a SEPA mandate must carry, as the customer reads it before signing and on the PDF. */
function mentionsOf(mandate: MandateRow, iban: string) {
  const creditor = JSON.parse(mandate.creditorSnapshot) as CreditorSnapshot;
  return {
    creditor: { name: creditor.name, address: addressLine(creditor) },
    ics: mandate.creditorIdentifier,
    debtor: { name: mandate.holderName, address: addressLine(JSON.parse(mandate.debtorAddress)) },
    iban,
    bic: mandate.bic,
    // GoCardless gives its mandates their reference when its flow sets them up.
    reference: mandate.creditorKind === "gocardless" && !mandate.providerMandateId ? null : mandate.reference,
    type: mandate.type,
    amountMinor: mandate.type === "one_off" ? mandate.amountMinor : null,
    currency: mandate.currency,
  };
}

/** The text the customer consents to, in their language, hashed into the signature trace. */
function consentText(locale: Locale, mandate: MandateRow, iban: string) {
  const t = translator(locale);
  const m = mentionsOf(mandate, iban);
  return [
    t("mandate.pdfTitle"),
    m.creditor.name,
    m.creditor.address,
    m.ics,
    m.debtor.name,
    m.iban,
    m.bic,
    m.reference ?? "",
    m.type,
    ...mandateLegalText(t, m.creditor.name),
  ].join("\n");
}

export async function loader({ request, params, context }: Route.LoaderArgs) {
  const { invoice, mandate } = await mandateOfLink(context, params.token, params.mandateId);
  const now = new Date();
  const waiting = awaitingCode(mandate, now);
  // The full IBAN only while the customer checks what they typed; masked once signed (or abandoned).
  const iban = waiting ? displayIban(ibanOf(context.config.ENCRYPTION_KEY, mandate)) : mandate.ibanMasked;
  const code = waiting
    ? await context.db.mandateCode.findFirst({ where: { mandateId: mandate.id, organisationId: mandate.organisationId }, orderBy: { createdAt: "desc" } })
    : null;
  const codeLive = code && !code.verifiedAt && code.expiresAt > now ? { destination: code.destination, channel: code.channel } : null;
  return {
    locale: readerLocale(request, invoice.customer),
    number: invoice.number!,
    mentions: mentionsOf(mandate, iban),
    creditorKind: mandate.creditorKind,
    status: mandate.status,
    waiting,
    expired: mandate.status === "pending_verification" && !waiting,
    signedAt: mandate.signedAt,
    codeLive,
    smsAvailable: Boolean(smsSender(context)),
    returned: new URL(request.url).searchParams.get("return") === "gocardless",
    pdf: (mandate.creditorKind === "own_ics" && mandate.signedAt) || (mandate.creditorKind === "gocardless" && mandate.providerMandateId),
  };
}

const signSchema = z.discriminatedUnion(
  "intent",
  [
    z.object({
      intent: z.literal("send"),
      consent: checkbox.refine((v) => v, "mandates.errors.consentRequired"),
      channel: z.enum(CODE_CHANNELS, { error: "errors.invalid" }).default("email"),
      phone: optionalText(30),
    }),
    z.object({ intent: z.literal("verify"), code: optionalText(12).transform((v) => v.replace(/\s/g, "")) }),
  ],
  { error: "errors.unknownAction" },
);

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
  const now = new Date();
  const input = submission.value;
  const codeSecret = context.config.SESSION_SECRET;
  if (input.intent === "send") {
    const phone = input.channel === "sms" ? normalisePhone(input.phone) : null;
    if (input.channel === "sms" && !phone) return refuse(submission, { fieldErrors: { phone: ["mandates.errors.phone"] } });
    const sent = await sendMandateCode(
      { db: context.db, codeSecret, encryptionKey: context.config.ENCRYPTION_KEY, sms: smsSender(context), log: context.log },
      mandate,
      { kind: input.channel, phone: phone ?? undefined },
      now,
    );
    if (!sent.ok) return refuse(submission, { formErrors: [sent.error] });
    return { result: replyTo(submission, { resetForm: true }), sent: sent.destination };
  }
  const verified = await verifyCode({ db: context.db, codeSecret }, mandate, input.code, now);
  if (!verified.ok) {
    return refuse(submission, { fieldErrors: { code: [verified.error] } });
  }
  const code = await context.db.mandateCode.findUniqueOrThrow({ where: { id: verified.codeId } });
  const iban = ibanOf(context.config.ENCRYPTION_KEY, mandate);
  const trace = {
    channel: code.channel as "email",
    destination: code.destination,
    codeSentAt: code.createdAt.toISOString(),
    codeVerifiedAt: now.toISOString(),
    clientIp: context.clientIp,
    textHash: consentTextHash(consentText(mandate.locale === "en" ? "en" : "fr", mandate, displayIban(iban))),
  };
  await signMandate(context.db, mandate, trace, now);
  context.log.info({ mandateId: mandate.id, creditor: mandate.creditorKind }, "mandate signed by the customer");
  const signed = (await mandateForCustomer(context.db, invoice.organisationId, invoice.customerId, mandate.id))!;
  await queueSignedConfirmation({ db: context.db, encryptionKey: context.config.ENCRYPTION_KEY, appUrl: context.config.APP_URL }, signed, params.token, now);
  const here = `${context.config.APP_URL}/i/${params.token}/mandate/${mandate.id}`;
  if (mandate.creditorKind === "gocardless") {
    const flow = await openGoCardlessMandateFlow(
      { db: context.db, providers: context.providers, encryptionKey: context.config.ENCRYPTION_KEY, log: context.log },
      { mandate: signed, payer: invoicePayer(invoice), amountMinor: balanceOf(invoice).leftMinor, returnUrl: `${here}?return=gocardless`, cancelUrl: here },
      now,
    );
    if (!flow.ok) return refuse(submission, { formErrors: [flow.error] });
    return new Response(null, { status: 303, headers: { Location: flow.url } });
  }
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
  const { t, money, date } = useI18n();
  const { number, mentions, creditorKind, status, waiting, expired, signedAt, codeLive, smsAvailable, returned, pdf } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { token, mandateId } = useParams();
  const [sendForm, sendFields] = useForm<{ consent: string; channel: string; phone: string }>({
    id: "send-code",
    lastResult: actionData?.result,
    defaultValue: { channel: "email" },
  });
  const [verifyForm, verifyFields] = useForm<{ code: string }>({ id: "verify-code", lastResult: actionData?.result });
  const legal = mandateLegalText(t, mentions.creditor.name);
  const rows: [string, string][] = [
    [t("mandate.creditor"), mentions.creditor.name],
    [t("mandate.creditorAddress"), mentions.creditor.address],
    ...(mentions.ics ? ([[t("mandate.ics"), mentions.ics]] as [string, string][]) : []),
    [t("mandate.debtor"), mentions.debtor.name],
    ...(mentions.debtor.address ? ([[t("mandate.debtorAddress"), mentions.debtor.address]] as [string, string][]) : []),
    [t("mandate.iban"), mentions.iban],
    [t("mandate.bic"), mentions.bic || "—"],
    [t("mandate.rum"), mentions.reference ?? t("mandate.rumByGoCardless")],
    [t("mandate.paymentType"), t(mentions.type === "recurrent" ? "mandate.type.recurrent" : "mandate.type.one_off")],
    ...(mentions.amountMinor ? ([[t("mandate.amount"), money(mentions.amountMinor, mentions.currency)]] as [string, string][]) : []),
  ];
  return (
    <main className="mx-auto max-w-2xl space-y-5 px-4 py-6">
      <title>{`${t("mandate.pdfTitle")} — ${mentions.creditor.name}`}</title>
      <meta name="robots" content="noindex" />
      <div className="flex items-center justify-between gap-3">
        <a className="text-sm text-blue-700 underline" href={`/i/${token}`}>
          {t("mandate.backToInvoice", { number })}
        </a>
        <LanguageSwitch />
      </div>
      <section className="space-y-4 rounded-lg border border-slate-200 bg-white p-5 shadow-sm" data-testid="mandate-summary">
        <h1 className="text-2xl font-bold">{t("mandate.pdfTitle")}</h1>
        <dl className="grid grid-cols-1 gap-x-4 gap-y-1 text-sm sm:grid-cols-3">
          {rows.map(([label, value]) => (
            <div key={label} className="contents">
              <dt className="text-slate-500">{label}</dt>
              <dd className="font-medium sm:col-span-2">{value}</dd>
            </div>
          ))}
        </dl>
        <div className="space-y-2 rounded-md bg-slate-50 p-3 text-xs text-slate-700" data-testid="mandate-legal">
          {legal.map((text) => (
            <p key={text}>{text}</p>
          ))}
        </div>

        {signedAt && status !== "pending_verification" ? (
          <div className="space-y-2" data-testid="mandate-signed">
            <FormMessage success={t(creditorKind === "gocardless" ? "mandate.signedGoCardless" : "mandate.signed", { date: date(signedAt) })} />
            {returned && !pdf ? <p className="text-sm text-slate-600">{t("mandate.awaitingGoCardless")}</p> : null}
            {pdf ? (
              <a className={secondaryButtonClass} href={`/i/${token}/mandate/${mandateId}/pdf`} data-testid="mandate-pdf">
                {t("mandate.downloadPdf")}
              </a>
            ) : null}
          </div>
        ) : expired ? (
          <p className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900" role="status">
            {t("mandate.expired")}{" "}
            <a className="font-medium underline" href={`/i/${token}/mandate`}>
              {t("mandate.startAgain")}
            </a>
          </p>
        ) : waiting && codeLive ? (
          <Form method="post" id={verifyForm.id} onSubmit={verifyForm.onSubmit} noValidate className="space-y-3" data-testid="verify-form">
            <CsrfInput />
            <p className="text-sm">{t(codeLive.channel === "sms" ? "mandate.codeSentSms" : "mandate.codeSentEmail", { destination: codeLive.destination })}</p>
            <Field meta={verifyFields.code} label={t("mandate.code")} inputMode="numeric" autoComplete="one-time-code" maxLength={12} className="max-w-48" />
            <div className="flex flex-wrap gap-3">
              <button name="intent" value="verify" className={buttonClass}>
                {t("mandate.sign")}
              </button>
            </div>
            <p className="text-xs text-slate-500">{t("mandate.codeValidity")}</p>
          </Form>
        ) : null}

        {waiting ? (
          <Form
            method="post"
            id={sendForm.id}
            onSubmit={sendForm.onSubmit}
            noValidate
            className="space-y-3 border-t border-slate-100 pt-4"
            data-testid="send-form"
          >
            <CsrfInput />
            {/* A code's error is shown by its field while the code can still be typed, else here (expired, too many tries). */}
            <FormErrors result={actionData?.result} placed={codeLive ? ["consent", "channel", "phone", "code"] : ["consent", "channel", "phone"]} />
            <Checkbox meta={sendFields.consent} label={t("mandate.consent")} />
            <FieldError id={sendFields.consent.errorId} errors={sendFields.consent.errors} />
            <fieldset className="space-y-1 text-sm">
              <legend className="mb-1 font-medium text-slate-700">{t("mandate.channel")}</legend>
              <label className="flex items-center gap-2">
                <input type="radio" name={sendFields.channel.name} value="email" defaultChecked />
                {t("mandate.channel.email")}
              </label>
              {smsAvailable ? (
                <label className="flex items-center gap-2">
                  <input type="radio" name={sendFields.channel.name} value="sms" />
                  {t("mandate.channel.sms")}
                </label>
              ) : null}
            </fieldset>
            {smsAvailable ? (
              <Field meta={sendFields.phone} type="tel" label={t("mandate.phone")} autoComplete="tel" hint={t("mandate.phoneHint")} className="max-w-64" />
            ) : null}
            <div className="flex flex-wrap items-center gap-3">
              <button name="intent" value="send" className={codeLive ? secondaryButtonClass : buttonClass}>
                {t(codeLive ? "mandate.resend" : "mandate.sendCode")}
              </button>
              <a className="text-sm text-blue-700 underline" href={`/i/${token}/mandate`}>
                {t("mandate.edit")}
              </a>
            </div>
          </Form>
        ) : null}
      </section>
    </main>
  );
}
