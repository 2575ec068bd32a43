/**
 * The mandate signing pages' bodies, shared by the invoice's pay tab and the customer space (issue 15):
 * the form (IBAN, BIC proposed, holder, email, mode, the three monthly debits) and the summary with the
 * code step. The routes give the data and the paths.
 */
import { type SubmissionResult, useForm } from "@conform-to/react";
import { type ChangeEvent, useState } from "react";
import { Form } from "react-router";
import { Checkbox, CsrfInput, Field, FieldError, FormErrors, FormMessage, buttonClass, secondaryButtonClass } from "~/components/form";
import { SpreadPreview } from "~/components/debits";
import type { MessageKey } from "~/i18n";
import { useI18n } from "~/i18n/react";
import { mandateLegalText } from "~/domain/mandates/texts";

type Result = SubmissionResult<string[]> | null | undefined;
type Spread = { totalMinor: number; currency: string; collections: { date: Date | string; amountMinor: number }[] } | null;

export function MandateFormView({
  blocked,
  noWayBack,
  defaults,
  spread,
  oneOffHint,
  result,
}: {
  blocked: MessageKey | null;
  noWayBack: boolean;
  defaults: { holderName: string; email: string; type: string; iban: string; bic: string };
  spread: Spread;
  /** The one-off mode's line (an invoice's amount); no one-off mode when null (the customer space). */
  oneOffHint: string | null;
  result: Result;
}) {
  const { t } = useI18n();
  const oneOff = Boolean(oneOffHint) && !noWayBack;
  const [form, fields] = useForm<{ iban: string; bic: string; holderName: string; email: string; type: string; spread: string }>({
    id: "mandate-form",
    lastResult: result,
    defaultValue: { ...defaults, type: oneOff ? "one_off" : "recurrent" },
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
  if (blocked) {
    return (
      <p className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900" role="status" data-testid="mandate-blocked">
        {t(blocked)}
      </p>
    );
  }
  return (
    <Form method="post" id={form.id} onSubmit={form.onSubmit} noValidate className="space-y-4">
      <CsrfInput />
      <FormErrors result={result as never} placed={["iban", "bic", "holderName", "email", "type", "spread"]} />
      <Field meta={fields.iban} label={t("mandate.iban")} autoComplete="off" spellCheck={false} onChange={onIbanChange} />
      <Field meta={fields.bic} label={t("mandate.bic")} autoComplete="off" spellCheck={false} hint={t(bicNote ? "mandate.bicProposed" : "mandate.bicHint")} />
      <Field meta={fields.holderName} label={t("mandate.holder")} autoComplete="name" />
      <Field meta={fields.email} type="email" label={t("mandate.email")} autoComplete="email" hint={t("mandate.emailHint")} />
      <fieldset className="space-y-2">
        <legend className="mb-1 text-sm font-medium text-slate-700">{t("mandate.mode")}</legend>
        {oneOff ? (
          <label className="flex items-start gap-2 text-sm">
            <input type="radio" name={fields.type.name} value="one_off" defaultChecked={fields.type.initialValue !== "recurrent"} />
            <span>
              <span className="font-medium">{t("mandate.type.one_off")}</span> — {oneOffHint}
            </span>
          </label>
        ) : null}
        <label className="flex items-start gap-2 text-sm">
          <input type="radio" name={fields.type.name} value="recurrent" defaultChecked={!oneOff || fields.type.initialValue === "recurrent"} />
          <span>
            <span className="font-medium">{t("mandate.type.recurrent")}</span> — {t("mandate.recurrentHint")}
          </span>
        </label>
        {spread ? (
          <div className="ml-6 space-y-1" data-testid="spread-option">
            <label className="flex items-start gap-2 text-sm">
              <input type="checkbox" name="spread" value="on" disabled={!spread.collections.length} />
              <span>{t("debits.spread.label")}</span>
            </label>
            <SpreadPreview plan={spread} />
            <FieldError id={fields.spread.errorId} errors={fields.spread.errors} />
          </div>
        ) : null}
        <p className="text-xs text-slate-500" data-testid="no-way-back">
          {t(noWayBack ? "mandate.noWayBackNow" : "mandate.noWayBackWarning")}
        </p>
        <FieldError id={fields.type.errorId} errors={fields.type.errors} />
      </fieldset>
      <button className={buttonClass}>{t("mandate.continue")}</button>
    </Form>
  );
}

export interface SummaryData {
  mentions: {
    creditor: { name: string; address: string };
    ics: string;
    debtor: { name: string; address: string };
    iban: string;
    bic: string;
    reference: string | null;
    type: string;
    amountMinor: number | null;
    currency: string;
  };
  creditorKind: string;
  status: string;
  waiting: boolean;
  expired: boolean;
  signedAt: Date | string | null;
  codeLive: { destination: string; channel: string } | null;
  smsAvailable: boolean;
  pdf: boolean;
  spread: Spread;
}

export function MandateSummaryView({
  data,
  result,
  returned,
  paths,
}: {
  data: SummaryData;
  result: Result;
  returned: boolean;
  paths: { pdf: string; form: string };
}) {
  const { t, money, date } = useI18n();
  const { mentions, creditorKind, status, waiting, expired, signedAt, codeLive, smsAvailable, pdf, spread } = data;
  const [sendForm, sendFields] = useForm<{ consent: string; channel: string; phone: string }>({
    id: "send-code",
    lastResult: result,
    defaultValue: { channel: "email" },
  });
  const [verifyForm, verifyFields] = useForm<{ code: string }>({ id: "verify-code", lastResult: result });
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
      {spread ? (
        <div className="rounded-md border border-slate-200 p-3">
          <p className="text-sm font-medium">{t("debits.spread.label")}</p>
          <SpreadPreview plan={spread} />
        </div>
      ) : null}
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
            <a className={secondaryButtonClass} href={paths.pdf} data-testid="mandate-pdf">
              {t("mandate.downloadPdf")}
            </a>
          ) : null}
        </div>
      ) : expired ? (
        <p className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900" role="status">
          {t("mandate.expired")}{" "}
          <a className="font-medium underline" href={paths.form}>
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
          <FormErrors result={result as never} placed={codeLive ? ["consent", "channel", "phone", "code"] : ["consent", "channel", "phone"]} />
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
            <a className="text-sm text-blue-700 underline" href={paths.form}>
              {t("mandate.edit")}
            </a>
          </div>
        </Form>
      ) : null}
    </section>
  );
}
