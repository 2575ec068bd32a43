/**
 * The signing flow's steps that reach outside the database: the code sent by email (outbox) or SMS
 * (integrations/sms), the GoCardless flow for GoCardless creditors, the confirmation email. The code is
 * never stored or logged in clear: the queued email holds a placeholder and the code sealed, put in as the
 * email is sent and cleared once sent (like bearer links, app/domain/outbox.ts).
 */
import { encryptSecret } from "~/lib/crypto.server";
import type { Db } from "~/lib/db.server";
import type { Logger } from "~/lib/logger.server";
import { translator, type Locale, type Translate } from "~/i18n";
import { formatMoney } from "~/lib/format";
import { maskPhone, type SmsSender } from "../../../integrations/sms";
import type { PaymentProvider, ProviderId } from "../../../integrations/types";
import { BEARER_TOKEN, bearerLink, enqueueStoredTemplate } from "../outbox";
import { type CheckoutPayer, openCheckout } from "../checkout";
import type { CreditorSnapshot, MandateRow } from "./service";
import { issueCode, type CodeChannel } from "./service";

const localeOf = (mandate: { locale: string }): Locale => (mandate.locale === "en" ? "en" : "fr");

/** The masked address a code went to: shown to the customer and kept in the signature trace. */
export function maskEmail(email: string) {
  const [name, domain] = email.split("@");
  return `${name.slice(0, 1)}•••@${domain ?? ""}`;
}

export type SendCodeResult = { ok: true; destination: string } | { ok: false; error: Parameters<Translate>[0] };

/** Issues a code and sends it by the channel the customer chose. */
export async function sendMandateCode(
  deps: { db: Db; codeSecret: string; encryptionKey: string; sms: SmsSender | null; log: Logger },
  mandate: MandateRow,
  channel: { kind: CodeChannel; phone?: string },
  now: Date,
): Promise<SendCodeResult> {
  const t = translator(localeOf(mandate));
  const creditor = JSON.parse(mandate.creditorSnapshot) as CreditorSnapshot;
  if (channel.kind === "sms" && (!deps.sms || !channel.phone)) return { ok: false, error: "mandates.errors.smsUnavailable" };
  const destination = channel.kind === "sms" ? maskPhone(channel.phone!) : maskEmail(mandate.email);
  const issued = await issueCode(deps, mandate, { kind: channel.kind, destination }, now);
  if (!issued.ok) return issued;
  if (channel.kind === "sms") {
    try {
      await deps.sms!.send({ to: channel.phone!, body: t("mandate.sms", { code: issued.code, creditor: creditor.name }) });
    } catch (error) {
      // The code cannot be used: the customer asks for another one (or by email).
      await deps.db.mandateCode.update({ where: { id: issued.codeId }, data: { expiresAt: now } });
      deps.log.warn({ mandateId: mandate.id, error: error instanceof Error ? error.message : String(error) }, "mandate code SMS failed");
      return { ok: false, error: "mandates.errors.sendFailed" };
    }
  } else {
    await enqueueStoredTemplate(deps.db, {
      kind: "mandate_code",
      to: mandate.email,
      subject: t("mandate.codeEmail.subject", { creditor: creditor.name }),
      idempotencyKey: `mandate-code/${issued.codeId}`,
      organisationId: mandate.organisationId,
      invoiceId: mandate.invoiceId,
      secret: encryptSecret(deps.encryptionKey, issued.code),
      template: {
        name: "notice",
        props: {
          locale: localeOf(mandate),
          preview: t("mandate.codeEmail.subject", { creditor: creditor.name }),
          paragraphs: [t("mandate.codeEmail.body", { creditor: creditor.name }), BEARER_TOKEN, t("mandate.codeEmail.validity")],
          footer: t("mandate.codeEmail.footer"),
        },
      },
    });
  }
  deps.log.info({ mandateId: mandate.id, channel: channel.kind }, "mandate code sent");
  return { ok: true, destination };
}

/** The signed mandate's confirmation, with the link to its PDF (a bearer link: sealed in the outbox). */
export async function queueSignedConfirmation(
  deps: { db: Db; encryptionKey: string; appUrl: string },
  mandate: MandateRow,
  pdfLink: { token: string } | { url: string },
  now: Date,
) {
  const locale = localeOf(mandate);
  const t = translator(locale);
  const creditor = JSON.parse(mandate.creditorSnapshot) as CreditorSnapshot;
  // From an invoice's link: the PDF behind that bearer link (sealed in the outbox). From the customer space: its page (a session is needed).
  const link =
    "token" in pdfLink
      ? (({ url, secret }) => ({ url: `${url}/mandate/${mandate.id}/pdf`, secret }))(bearerLink(deps.encryptionKey, `${deps.appUrl}/i/`, pdfLink.token))
      : { url: pdfLink.url, secret: null };
  const type = t(mandate.type === "recurrent" ? "mandate.type.recurrent" : "mandate.type.one_off");
  const paragraphs = [
    t("mandate.signedEmail.body", { creditor: creditor.name, reference: mandate.reference, date: now.toISOString().slice(0, 10) }),
    `${t("mandate.iban")} : ${mandate.ibanMasked} — ${t("mandate.paymentType")} : ${type}`,
    ...(mandate.amountMinor ? [`${t("mandate.amount")} : ${formatMoney(mandate.amountMinor, mandate.currency, locale)}`] : []),
    t(mandate.creditorKind === "gocardless" ? "mandate.signedEmail.gocardless" : "mandate.signedEmail.pdf"),
  ];
  await enqueueStoredTemplate(deps.db, {
    kind: "mandate_signed",
    to: mandate.email,
    subject: t("mandate.signedEmail.subject", { creditor: creditor.name }),
    idempotencyKey: `mandate-signed/${mandate.id}`,
    organisationId: mandate.organisationId,
    invoiceId: mandate.invoiceId,
    secret: link.secret,
    template: {
      name: "notice",
      props: {
        locale,
        preview: t("mandate.signedEmail.subject", { creditor: creditor.name }),
        paragraphs,
        action: { label: t("mandate.downloadPdf"), url: link.url },
        footer: t("mandate.codeEmail.footer"),
      },
    },
  });
}

/**
 * GoCardless creditors: after the customer's consent (the code), GoCardless's own hosted flow sets the
 * mandate up (GoCardless requires it for partner apps without the custom-pages upgrade). The existing
 * billing-request checkout is opened for what is left to pay on the invoice; the mandate row names the
 * billing request, so GoCardless's `billing_requests.fulfilled` links the two (recordProviderMandate).
 */
export async function openGoCardlessMandateFlow(
  deps: { db: Db; providers: { get(id: ProviderId): PaymentProvider }; encryptionKey: string; log: Logger },
  input: {
    mandate: MandateRow;
    payer: CheckoutPayer;
    amountMinor: number;
    returnUrl: string;
    cancelUrl: string;
  },
  now: Date,
): Promise<{ ok: true; url: string } | { ok: false; error: Parameters<Translate>[0] }> {
  // A one-off mandate is for an amount; a recurrent one may be set up with nothing to collect now (GoCardless's
  // flow then only sets the mandate up: collectAfterMandate finds nothing left and closes the checkout).
  if (input.amountMinor <= 0 && input.mandate.type !== "recurrent") return { ok: false, error: "mandates.errors.nothingToCollect" };
  const result = await openCheckout(
    deps,
    { payer: input.payer, provider: "gocardless", amountMinor: Math.max(0, input.amountMinor), returnUrl: input.returnUrl, cancelUrl: input.cancelUrl },
    now,
  );
  if (!result.ok) return result;
  const attempt = await deps.db.checkoutAttempt.findFirst({ where: { id: result.attemptId, organisationId: input.mandate.organisationId } });
  await deps.db.mandate.update({ where: { id: input.mandate.id }, data: { providerRequestId: attempt?.providerRef ?? null } });
  return { ok: true, url: result.url };
}
