/**
 * The mandate signing flow, shared by the invoice's pay tab (/i/:token/mandate…, a bearer link) and the
 * customer space (/espace/:orgId/prelevement…, the customer's session): the same forms, checks, domain
 * calls and pages (issue 15; docs/decisions/0016 and 0020). Each route says who the customer is, what the
 * mandate is signed for (an invoice, or the account's balance) and where its pages are.
 */
import { z } from "zod";
import type { AppLoadContext } from "react-router";
import type { CheckoutPayer } from "~/domain/checkout";
import { listConnections } from "~/domain/connections";
import { previewSpread } from "~/domain/debits/plans";
import { SPREAD_COUNT } from "~/domain/debits/plans";
import { displayIban, checkIban, normaliseBic } from "~/domain/identifiers";
import {
  CODE_CHANNELS,
  MANDATE_TYPES,
  awaitingCode,
  consentTextHash,
  creditorOf,
  hasRecurrentMandate,
  ibanOf,
  mandateForCustomer,
  mandatesOfCustomer,
  signMandate,
  startMandate,
  verifyCode,
  type CreditorSnapshot,
  type MandateRow,
} from "~/domain/mandates/service";
import { openGoCardlessMandateFlow, queueSignedConfirmation, sendMandateCode } from "~/domain/mandates/signing";
import { addressLine, mandateLegalText } from "~/domain/mandates/texts";
import { checkbox, emailAddress, optionalText, requiredText } from "~/domain/validation";
import { translator, type Locale } from "~/i18n";
import { smsSender } from "~/lib/sms.server";
import { normalisePhone } from "../../integrations/sms";
import { decryptSecret } from "~/lib/crypto.server";
import { notFound } from "~/lib/http.server";
import { throwIfRefused } from "~/lib/throttle.server";
import { renderMandatePdf } from "~/pdf/mandate-document";

/** An IBAN, told apart: not shaped like one ("Format de l'IBAN incorrect") or a typo in its check digits. */
const ibanField = requiredText(64).transform((value, ctx) => {
  const checked = checkIban(value);
  if (checked.ok) return checked.iban;
  ctx.addIssue({ code: "custom", message: checked.error === "checksum" ? "errors.ibanChecksum" : "errors.ibanFormat" });
  return z.NEVER;
});

export const detailsSchema = z.object({
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
  // Three monthly debits of the balance (automatic debit only).
  spread: checkbox,
});
export type DetailsInput = z.output<typeof detailsSchema>;

type Organisation = Parameters<typeof startMandate>[1]["organisation"] & { debitNoticeDays: number };
type Customer = Parameters<typeof startMandate>[1]["customer"] & { name: string; company: string; email: string };

/** What the form page needs: who collects (or why not), the no-way-back rule, the spread plan, the history. */
export async function formData(context: AppLoadContext, organisation: Organisation, customer: Customer) {
  const creditor = creditorOf(organisation, await listConnections(context.db, organisation.id));
  return {
    creditorBlocked: creditor.ok ? null : creditor.reason,
    // Automatic debit chosen once: no way back to one-off (issue 15, seed 001).
    noWayBack: await hasRecurrentMandate(context.db, organisation.id, customer.id),
    spread: creditor.ok ? await previewSpread(context.db, organisation, customer.id, creditor.kind, new Date()) : null,
    defaults: { holderName: customer.company || customer.name, email: customer.email, type: "one_off", iban: "", bic: "" },
    history: await mandatesOfCustomer(context.db, organisation.id, customer.id),
  };
}

/** The form was filled in: a mandate waiting for its code, for an invoice (its amount) or for the account (id null). */
export async function startFromForm(
  context: AppLoadContext,
  input: {
    organisation: Organisation;
    customer: Customer;
    invoice: { id: string | null; currency: string; amountMinor: number | null };
    details: DetailsInput;
  },
) {
  const { details } = input;
  const bic = details.bic || (await import("~/domain/bic")).proposeBic(details.iban) || "";
  return startMandate(
    { db: context.db, encryptionKey: context.config.ENCRYPTION_KEY },
    {
      organisation: input.organisation,
      connections: await listConnections(context.db, input.organisation.id),
      customer: input.customer,
      invoice: input.invoice,
      details: {
        iban: details.iban,
        bic,
        holderName: details.holderName,
        email: details.email,
        type: details.type,
        spreadOver: details.spread ? SPREAD_COUNT : 0,
      },
    },
    new Date(),
  );
}

/** Every mention a SEPA mandate must carry, as the customer reads it before signing and on the PDF. */
export function mentionsOf(mandate: MandateRow, iban: string) {
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

/** What the mandate's page shows: the mentions (the full IBAN only while the customer checks it), the code step, the PDF, the spread. */
export async function summaryData(context: AppLoadContext, mandate: MandateRow, organisation: { id: string; debitNoticeDays: number }) {
  const now = new Date();
  const waiting = awaitingCode(mandate, now);
  const iban = waiting ? displayIban(ibanOf(context.config.ENCRYPTION_KEY, mandate)) : mandate.ibanMasked;
  const code = waiting
    ? await context.db.mandateCode.findFirst({ where: { mandateId: mandate.id, organisationId: mandate.organisationId }, orderBy: { createdAt: "desc" } })
    : null;
  const codeLive = code && !code.verifiedAt && code.expiresAt > now ? { destination: code.destination, channel: code.channel } : null;
  return {
    mentions: mentionsOf(mandate, iban),
    creditorKind: mandate.creditorKind,
    status: mandate.status,
    waiting,
    expired: mandate.status === "pending_verification" && !waiting,
    signedAt: mandate.signedAt,
    codeLive,
    smsAvailable: Boolean(smsSender(context)),
    pdf: Boolean((mandate.creditorKind === "own_ics" && mandate.signedAt) || (mandate.creditorKind === "gocardless" && mandate.providerMandateId)),
    // The three monthly debits, shown again before the code (recomputed: the same the signing will plan today).
    spread:
      waiting && mandate.spreadOver > 0
        ? await previewSpread(context.db, organisation, mandate.customerId, mandate.creditorKind as "own_ics" | "gocardless", now)
        : null,
  };
}

export const signSchema = z.discriminatedUnion(
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
export type SignInput = z.output<typeof signSchema>;

export type SignOutcome =
  | { kind: "sent"; destination: string }
  | { kind: "error"; field?: "phone" | "code"; error: Parameters<ReturnType<typeof translator>>[0] }
  | { kind: "signed" }
  | { kind: "redirect"; url: string };

/**
 * A step of the signing: send a code (email or SMS), or check the code typed; the right code signs
 * (own ICS) or records the consent and opens GoCardless's flow for `collect` (GoCardless).
 */
export async function signStep(
  context: AppLoadContext,
  input: {
    mandate: MandateRow;
    step: SignInput;
    /** Where the confirmation email's PDF link goes: a bearer link's token, or a page of the customer space. */
    pdfLink: { token: string } | { url: string };
    /** GoCardless: what the flow's checkout collects, and the mandate page's URL. */
    collect: () => Promise<{ payer: CheckoutPayer; amountMinor: number }>;
    here: string;
  },
): Promise<SignOutcome> {
  const { mandate, step } = input;
  const now = new Date();
  const codeSecret = context.config.SESSION_SECRET;
  if (step.intent === "send") {
    const phone = step.channel === "sms" ? normalisePhone(step.phone) : null;
    if (step.channel === "sms" && !phone) return { kind: "error", field: "phone", error: "mandates.errors.phone" };
    const sent = await sendMandateCode(
      { db: context.db, codeSecret, encryptionKey: context.config.ENCRYPTION_KEY, sms: smsSender(context), log: context.log },
      mandate,
      { kind: step.channel, phone: phone ?? undefined },
      now,
    );
    return sent.ok ? { kind: "sent", destination: sent.destination } : { kind: "error", error: sent.error };
  }
  const verified = await verifyCode({ db: context.db, codeSecret }, mandate, step.code, now);
  if (!verified.ok) return { kind: "error", field: "code", error: verified.error };
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
  const signed = (await mandateForCustomer(context.db, mandate.organisationId, mandate.customerId, mandate.id))!;
  await queueSignedConfirmation({ db: context.db, encryptionKey: context.config.ENCRYPTION_KEY, appUrl: context.config.APP_URL }, signed, input.pdfLink, now);
  if (mandate.creditorKind === "gocardless") {
    const { payer, amountMinor } = await input.collect();
    const flow = await openGoCardlessMandateFlow(
      { db: context.db, providers: context.providers, encryptionKey: context.config.ENCRYPTION_KEY, log: context.log },
      { mandate: signed, payer, amountMinor, returnUrl: `${input.here}?return=gocardless`, cancelUrl: input.here },
      now,
    );
    if (!flow.ok) return { kind: "error", error: flow.error };
    return { kind: "redirect", url: flow.url };
  }
  return { kind: "signed" };
}

/**
 * The signed mandate as a PDF. Own-ICS creditors: ours, with every mention and the signature trace.
 * GoCardless creditors: GoCardless's own PDF of the mandate (a URL valid 10 minutes, asked for on each
 * click and never stored), once GoCardless has set the mandate up.
 */
export async function mandatePdfResponse(context: AppLoadContext, mandate: MandateRow, locale: Locale) {
  if (mandate.creditorKind === "gocardless") {
    const connection = await context.db.providerConnection.findFirst({
      where: { organisationId: mandate.organisationId, provider: "gocardless", revokedAt: null },
    });
    if (!mandate.providerMandateId || !connection) notFound();
    // Each click asks GoCardless for a new PDF URL: a few per client, like the pay buttons.
    throwIfRefused(await context.throttles.consume("payClient", context.clientIp));
    const pdf = await context.providers.gocardless.mandatePdf(
      { accountId: connection!.accountId, accessToken: decryptSecret(context.config.ENCRYPTION_KEY, connection!.encryptedToken) },
      mandate.providerMandateId!,
      locale,
    );
    return new Response(null, { status: 303, headers: { Location: pdf.url, "Cache-Control": "no-store" } });
  }
  if (!mandate.signedAt || mandate.status === "pending_verification") notFound();
  const creditor = JSON.parse(mandate.creditorSnapshot) as CreditorSnapshot;
  const pdf = await renderMandatePdf(
    {
      creditor: { name: creditor.name, address: addressLine(creditor) },
      ics: mandate.creditorIdentifier,
      debtor: { name: mandate.holderName, address: addressLine(JSON.parse(mandate.debtorAddress)) },
      iban: displayIban(ibanOf(context.config.ENCRYPTION_KEY, mandate)),
      bic: mandate.bic,
      reference: mandate.reference,
      type: mandate.type,
      amountMinor: mandate.type === "one_off" ? mandate.amountMinor : null,
      currency: mandate.currency,
      signedAt: mandate.signedAt!,
      trace: JSON.parse(mandate.signatureTrace),
    },
    locale,
  );
  return new Response(new Uint8Array(pdf), {
    headers: {
      "Content-Type": "application/pdf",
      "Content-Disposition": `attachment; filename="mandat-${mandate.reference.replace(/[^\w.-]/g, "_")}.pdf"`,
      "Cache-Control": "private, no-store",
      "X-Robots-Tag": "noindex",
    },
  });
}
