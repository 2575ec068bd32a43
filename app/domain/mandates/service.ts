/**
 * SEPA mandates of customer accounts (issue 15; docs/decisions/0016-sepa-mandates.md): started from a form,
 * confirmed with a one-time code, signed (own-ICS creditors) or handed to GoCardless's flow (GoCardless
 * creditors), kept in sync with GoCardless's events, replaced by a new one, cancelled by the merchant.
 * Every query names the organisation (and the customer, for what a bearer link reaches). The IBAN is sealed
 * with the encryption key before it is stored and is never logged.
 */
import { createHash, randomInt } from "node:crypto";
import { decryptSecret, encryptSecret } from "~/lib/crypto.server";
import type { Db, Tx } from "~/lib/db.server";
import { isUniqueViolation } from "~/lib/db.server";
import { hmac, safeEqual } from "~/lib/tokens.server";
import type { MessageKey } from "~/i18n";
import { displayIban } from "../identifiers";
import { planAfterOwnIcsSigning } from "../debits/plans";
import { cancelDebitsOfMandate, moveDebitsToMandate } from "../debits/service";
import { generateRum } from "./reference";

export const MANDATE_TYPES = ["one_off", "recurrent"] as const;
export type MandateType = (typeof MANDATE_TYPES)[number];
export const MANDATE_STATUSES = ["pending_verification", "pending", "active", "cancelled", "failed", "expired", "replaced"] as const;
export type MandateStatus = (typeof MANDATE_STATUSES)[number];
export const CODE_CHANNELS = ["email", "sms"] as const;
export type CodeChannel = (typeof CODE_CHANNELS)[number];
export type MandateOrigin = "customer" | "merchant" | "gocardless" | "system";

/** A code lives 10 minutes and allows 5 tries; a new one can be asked for after a minute, 5 per mandate. */
export const CODE_TTL_MS = 10 * 60 * 1000;
export const MAX_CODE_TRIES = 5;
export const RESEND_AFTER_MS = 60 * 1000;
export const MAX_CODES_PER_MANDATE = 5;
/** A mandate left unconfirmed this long can no longer be confirmed: the customer starts again. */
export const PENDING_VERIFICATION_TTL_MS = 60 * 60 * 1000;

/** The statuses in which a mandate can still be used (or soon will be): one per customer account. */
const LIVE_STATUSES: MandateStatus[] = ["pending", "active"];

type DbOrTx = Db | Tx;

export interface CreditorSnapshot {
  name: string;
  addressLine1: string;
  addressLine2: string;
  postalCode: string;
  city: string;
  country: string;
}

/** "FR76 •••• •••• •••• •••• •••0 189"-like: the country, its check digits and the last four characters. */
export function maskIban(iban: string): string {
  const hidden = `${iban.slice(0, 4)}${"•".repeat(Math.max(0, iban.length - 8))}${iban.slice(-4)}`;
  return displayIban(hidden);
}

/** Who collects this organisation's debits, or why none can be signed for now. */
export function creditorOf(
  organisation: { sepaCreditor: string; creditorIdentifier: string },
  connections: { provider: string; revokedAt: Date | null }[],
): { ok: true; kind: "gocardless" | "own_ics"; identifier: string } | { ok: false; reason: MessageKey } {
  if (organisation.sepaCreditor === "own_ics") {
    return organisation.creditorIdentifier
      ? { ok: true, kind: "own_ics", identifier: organisation.creditorIdentifier }
      : { ok: false, reason: "mandates.errors.noCreditor" };
  }
  const connected = connections.some((c) => c.provider === "gocardless" && !c.revokedAt);
  return connected ? { ok: true, kind: "gocardless", identifier: "" } : { ok: false, reason: "mandates.errors.noCreditor" };
}

/** The customer's mandates, newest first, with their history (masked: the IBAN is never read here). */
export function mandatesOfCustomer(db: Db, organisationId: string, customerId: string) {
  return db.mandate.findMany({
    where: { organisationId, customerId, status: { not: "pending_verification" } },
    orderBy: { createdAt: "desc" },
    select: {
      id: true,
      reference: true,
      creditorKind: true,
      ibanMasked: true,
      bic: true,
      holderName: true,
      type: true,
      status: true,
      signedAt: true,
      cancelledAt: true,
      providerMandateId: true,
      replacedById: true,
      createdAt: true,
      events: { orderBy: [{ at: "asc" }, { createdAt: "asc" }], select: { id: true, status: true, origin: true, action: true, at: true } },
    },
  });
}

/** Once a customer has an active (or coming) recurrent mandate, there is no way back to one-off debits. */
export async function hasRecurrentMandate(db: DbOrTx, organisationId: string, customerId: string) {
  // A GoCardless mandate whose flow the customer left before GoCardless set it up does not count.
  const live = { OR: [{ status: "active" }, { status: "pending", providerMandateId: { not: null } }] };
  return (await db.mandate.count({ where: { organisationId, customerId, type: "recurrent", ...live } })) > 0;
}

export interface MandateDetails {
  iban: string;
  bic: string;
  holderName: string;
  email: string;
  type: MandateType;
  /** Recurrent only: spread the balance over this many monthly debits (0: no; 3 offered). */
  spreadOver?: number;
}

export type StartResult = { ok: true; mandateId: string } | { ok: false; error: MessageKey; field?: keyof MandateDetails };

/**
 * The customer filled in the form: a mandate waiting for its code (`pending_verification`), its reference
 * generated now, its creditor and debtor as they will be printed.
 */
export async function startMandate(
  deps: { db: Db; encryptionKey: string },
  input: {
    organisation: Omit<CreditorSnapshot, "name"> & { id: string; legalName: string; sepaCreditor: string; creditorIdentifier: string };
    connections: { provider: string; revokedAt: Date | null }[];
    customer: { id: string; locale: string; addressLine1: string; addressLine2: string; postalCode: string; city: string; country: string };
    /** Where it is signed from: an invoice's link, or the customer space (id null: the account's balance). */
    invoice: { id: string | null; currency: string; amountMinor: number | null };
    details: MandateDetails;
  },
  now: Date,
): Promise<StartResult> {
  const { db } = deps;
  const { organisation, customer, details } = input;
  const creditor = creditorOf(organisation, input.connections);
  if (!creditor.ok) return { ok: false, error: creditor.reason };
  if (input.invoice.currency !== "EUR") return { ok: false, error: "mandates.errors.euroOnly" };
  if (details.type === "one_off" && (await hasRecurrentMandate(db, organisation.id, customer.id))) {
    return { ok: false, error: "mandates.errors.noWayBack", field: "type" };
  }
  if (details.spreadOver && details.type !== "recurrent") return { ok: false, error: "debits.spread.onlyRecurrent", field: "type" };
  const snapshot: CreditorSnapshot = {
    name: organisation.legalName,
    addressLine1: organisation.addressLine1,
    addressLine2: organisation.addressLine2,
    postalCode: organisation.postalCode,
    city: organisation.city,
    country: organisation.country,
  };
  const debtorAddress = {
    addressLine1: customer.addressLine1,
    addressLine2: customer.addressLine2,
    postalCode: customer.postalCode,
    city: customer.city,
    country: customer.country,
  };
  for (let attempt = 0; ; attempt++) {
    try {
      const mandate = await db.mandate.create({
        data: {
          organisationId: organisation.id,
          customerId: customer.id,
          invoiceId: input.invoice.id,
          reference: generateRum(now),
          creditorKind: creditor.kind,
          creditorIdentifier: creditor.identifier,
          creditorSnapshot: JSON.stringify(snapshot),
          encryptedIban: encryptSecret(deps.encryptionKey, details.iban),
          ibanLast4: details.iban.slice(-4),
          ibanMasked: maskIban(details.iban),
          bic: details.bic,
          holderName: details.holderName,
          debtorAddress: JSON.stringify(debtorAddress),
          email: details.email,
          type: details.type,
          spreadOver: details.type === "recurrent" ? (details.spreadOver ?? 0) : 0,
          amountMinor: details.type === "one_off" ? input.invoice.amountMinor : null,
          currency: input.invoice.currency,
          locale: customer.locale === "en" ? "en" : "fr",
          statusAt: now,
        },
      });
      return { ok: true, mandateId: mandate.id };
    } catch (error) {
      // The reference was taken (by chance): another one.
      if (isUniqueViolation(error) && attempt < 3) continue;
      throw error;
    }
  }
}

/** A mandate the bearer of an invoice's link may see: one of that invoice's customer's, in that organisation. */
export function mandateForCustomer(db: Db, organisationId: string, customerId: string, mandateId: string) {
  return db.mandate.findFirst({ where: { id: mandateId, organisationId, customerId } });
}
export type MandateRow = NonNullable<Awaited<ReturnType<typeof mandateForCustomer>>>;

/** The debtor's IBAN in clear: for the mandate itself (summary before signing, the signed PDF), never for a log. */
export function ibanOf(encryptionKey: string, mandate: { encryptedIban: string }) {
  return decryptSecret(encryptionKey, mandate.encryptedIban);
}

/** Still waiting for its code, and not for too long. */
export function awaitingCode(mandate: { status: string; createdAt: Date }, now: Date) {
  return mandate.status === "pending_verification" && now.getTime() - mandate.createdAt.getTime() < PENDING_VERIFICATION_TTL_MS;
}

const codeHash = (secret: string, mandateId: string, code: string) => hmac(secret, `mandate-code:${mandateId}:${code}`);

export type CodeIssue = { ok: true; code: string; codeId: string } | { ok: false; error: MessageKey; retryInSeconds?: number };

/**
 * A new 6-digit code for the mandate, stored as an HMAC (keyed with the session secret: six digits alone
 * would be found from a plain hash in a moment). At most one a minute and five per mandate; a new code
 * replaces the previous one. The caller sends it (email through the outbox, or SMS).
 */
export async function issueCode(
  deps: { db: Db; codeSecret: string },
  mandate: { id: string; organisationId: string; status: string; createdAt: Date },
  channel: { kind: CodeChannel; destination: string },
  now: Date,
): Promise<CodeIssue> {
  const { db } = deps;
  if (!awaitingCode(mandate, now)) return { ok: false, error: "mandates.errors.notAwaitingCode" };
  const previous = await db.mandateCode.findMany({ where: { mandateId: mandate.id, organisationId: mandate.organisationId }, orderBy: { createdAt: "desc" } });
  if (previous.length >= MAX_CODES_PER_MANDATE) return { ok: false, error: "mandates.errors.tooManyCodes" };
  const last = previous[0];
  if (last && now.getTime() - last.createdAt.getTime() < RESEND_AFTER_MS) {
    return {
      ok: false,
      error: "mandates.errors.resendTooSoon",
      retryInSeconds: Math.ceil((RESEND_AFTER_MS - (now.getTime() - last.createdAt.getTime())) / 1000),
    };
  }
  const code = String(randomInt(0, 1_000_000)).padStart(6, "0");
  const row = await db.mandateCode.create({
    data: {
      organisationId: mandate.organisationId,
      mandateId: mandate.id,
      channel: channel.kind,
      destination: channel.destination,
      codeHash: codeHash(deps.codeSecret, mandate.id, code),
      expiresAt: new Date(now.getTime() + CODE_TTL_MS),
      createdAt: now,
    },
  });
  return { ok: true, code, codeId: row.id };
}

export type VerifyResult =
  | { ok: true; codeId: string }
  | { ok: false; error: "mandates.errors.wrongCode"; triesLeft: number }
  | { ok: false; error: MessageKey };

/**
 * Checks the code typed against the mandate's latest one: expired after 10 minutes, dead after 5 wrong
 * tries (a new code must be asked for), used once. The try is counted before the comparison, in one
 * statement, so parallel guesses cannot share a try.
 */
export async function verifyCode(
  deps: { db: Db; codeSecret: string },
  mandate: { id: string; organisationId: string },
  typed: string,
  now: Date,
): Promise<VerifyResult> {
  const { db } = deps;
  const latest = await db.mandateCode.findFirst({ where: { mandateId: mandate.id, organisationId: mandate.organisationId }, orderBy: { createdAt: "desc" } });
  if (!latest) return { ok: false, error: "mandates.errors.noCode" };
  if (latest.verifiedAt) return { ok: false, error: "mandates.errors.notAwaitingCode" };
  if (latest.expiresAt.getTime() <= now.getTime()) return { ok: false, error: "mandates.errors.codeExpired" };
  const counted = await db.mandateCode.updateMany({
    where: { id: latest.id, attempts: { lt: MAX_CODE_TRIES }, verifiedAt: null },
    data: { attempts: { increment: 1 } },
  });
  if (!counted.count) return { ok: false, error: "mandates.errors.tooManyTries" };
  const right = /^\d{6}$/.test(typed) && safeEqual(codeHash(deps.codeSecret, mandate.id, typed), latest.codeHash);
  if (!right) {
    const triesLeft = MAX_CODE_TRIES - (latest.attempts + 1);
    return triesLeft > 0 ? { ok: false, error: "mandates.errors.wrongCode", triesLeft } : { ok: false, error: "mandates.errors.tooManyTries" };
  }
  const used = await db.mandateCode.updateMany({ where: { id: latest.id, verifiedAt: null }, data: { verifiedAt: now } });
  if (!used.count) return { ok: false, error: "mandates.errors.notAwaitingCode" };
  return { ok: true, codeId: latest.id };
}

/** The exact text the customer consented to, hashed into the signature trace (the creditor must prove it). */
export function consentTextHash(text: string) {
  return createHash("sha256").update(text).digest("hex");
}

/** Appends to a mandate's history (insert-only). */
export function recordMandateEvent(
  tx: DbOrTx,
  event: {
    organisationId: string;
    mandateId: string;
    fromStatus: string | null;
    status: string;
    origin: MandateOrigin;
    action: string;
    note?: string;
    providerEventId?: string;
    at: Date;
  },
) {
  return tx.mandateEvent.create({ data: { ...event, note: event.note ?? "" } });
}

/** Moves a mandate to a status and writes it in its history, in the caller's transaction. */
async function moveTo(
  tx: Tx,
  mandate: { id: string; organisationId: string; status: string },
  status: MandateStatus,
  fact: { origin: MandateOrigin; action: string; at: Date; note?: string; providerEventId?: string; data?: Record<string, unknown> },
) {
  await tx.mandate.update({ where: { id: mandate.id }, data: { status, statusAt: fact.at, ...(fact.data ?? {}) } });
  // What it still had to debit moves to the mandate replacing it, or is cancelled with it (docs/decisions/0020).
  if (status === "replaced" && typeof fact.data?.replacedById === "string") await moveDebitsToMandate(tx, mandate.id, fact.data.replacedById, fact.at);
  else if (["cancelled", "failed", "expired"].includes(status)) await cancelDebitsOfMandate(tx, mandate.id, fact.at, `mandate ${status}`);
  await recordMandateEvent(tx, {
    organisationId: mandate.organisationId,
    mandateId: mandate.id,
    fromStatus: mandate.status,
    status,
    origin: fact.origin,
    action: fact.action,
    note: fact.note,
    providerEventId: fact.providerEventId,
    at: fact.at,
  });
}

/**
 * New bank details mean a new mandate: the customer's other live mandates (same organisation) are
 * `replaced` by this one. Their debits at GoCardless are not touched here (see the decision record).
 */
export async function replacePrevious(tx: Tx, mandate: { id: string; organisationId: string; customerId: string }, at: Date, origin: MandateOrigin) {
  const previous = await tx.mandate.findMany({
    where: { organisationId: mandate.organisationId, customerId: mandate.customerId, id: { not: mandate.id }, status: { in: LIVE_STATUSES } },
  });
  for (const old of previous) await moveTo(tx, old, "replaced", { origin, action: "replaced", at, data: { replacedById: mandate.id } });
  return previous.length;
}

export interface SignatureTrace {
  channel: CodeChannel;
  destination: string;
  codeSentAt: string;
  codeVerifiedAt: string;
  clientIp: string;
  textHash: string;
}

/**
 * The right code was typed. Own-ICS: the mandate is signed and active now, and replaces the customer's
 * previous one. GoCardless: the customer's consent is recorded and the mandate waits (`pending`) for
 * GoCardless's flow; it replaces the previous one when GoCardless reports it (recordProviderMandate).
 */
export async function signMandate(db: Db, mandate: MandateRow, trace: SignatureTrace, now: Date) {
  return db.$transaction(async (tx) => {
    const current = await tx.mandate.findFirst({ where: { id: mandate.id, organisationId: mandate.organisationId, status: "pending_verification" } });
    if (!current) return false;
    const data = { signedAt: now, signatureTrace: JSON.stringify(trace) };
    if (current.creditorKind === "own_ics") {
      await moveTo(tx, current, "active", { origin: "customer", action: "signed", at: now, data });
      await replacePrevious(tx, current, now, "customer");
      await planAfterOwnIcsSigning(tx, current, now);
    } else {
      await moveTo(tx, current, "pending", { origin: "customer", action: "signed", at: now, data });
    }
    return true;
  });
}

/**
 * GoCardless reports the mandate its flow set up for one of ours (the billing request we opened for it):
 * the GoCardless mandate id and reference are recorded, and it replaces the customer's previous one.
 */
export async function recordProviderMandate(
  tx: Tx,
  fact: { organisationId: string; billingRequestId: string; providerMandateId: string; reference?: string; at: Date; providerEventId?: string },
) {
  const mandate = await tx.mandate.findFirst({
    where: { organisationId: fact.organisationId, providerRequestId: fact.billingRequestId, creditorKind: "gocardless" },
  });
  if (!mandate || mandate.providerMandateId) return mandate;
  await tx.mandate.update({
    where: { id: mandate.id },
    data: { providerMandateId: fact.providerMandateId, ...(fact.reference ? { reference: fact.reference } : {}) },
  });
  await recordMandateEvent(tx, {
    organisationId: mandate.organisationId,
    mandateId: mandate.id,
    fromStatus: mandate.status,
    status: mandate.status,
    origin: "gocardless",
    action: "set_up",
    note: fact.providerMandateId,
    at: fact.at,
  });
  await replacePrevious(tx, mandate, fact.at, "gocardless");
  return mandate;
}

/**
 * What each GoCardless mandate action means for our status (actions from GoCardless's event reference, see
 * docs/decisions/0016). `transferred` keeps the mandate active (new bank account at GoCardless);
 * `consumed` (a one-off mandate used) ends it like an expiry; `blocked` stops it like a failure.
 */
export const GOCARDLESS_MANDATE_ACTIONS: Record<string, MandateStatus> = {
  created: "pending",
  customer_approval_granted: "pending",
  customer_approval_skipped: "pending",
  submitted: "pending",
  resubmission_requested: "pending",
  active: "active",
  reinstated: "active",
  transferred: "active",
  cancelled: "cancelled",
  failed: "failed",
  blocked: "failed",
  expired: "expired",
  consumed: "expired",
  replaced: "replaced",
};

export type ProviderMandateOutcome = { applied: boolean; note?: string; mandate?: { id: string; invoiceId: string | null }; status?: MandateStatus } | null;

/**
 * One GoCardless mandate event, applied once (its id is unique in the history). An event older than the
 * fact that set the current status is written in the history but leaves the status alone. `replaced`
 * records the new GoCardless mandate as the customer's new one.
 */
export async function applyProviderMandateEvent(
  tx: Tx,
  fact: { organisationId: string; providerMandateId: string; action: string; at: Date; providerEventId: string; newMandateId?: string; cause?: string },
): Promise<ProviderMandateOutcome> {
  const mandate = await tx.mandate.findFirst({ where: { organisationId: fact.organisationId, providerMandateId: fact.providerMandateId } });
  if (!mandate) return null;
  if (await tx.mandateEvent.findUnique({ where: { providerEventId: fact.providerEventId }, select: { id: true } }))
    return { applied: false, note: "already recorded" };
  const status = GOCARDLESS_MANDATE_ACTIONS[fact.action];
  if (!status) {
    await recordMandateEvent(tx, { ...base(mandate, fact), status: mandate.status, note: "no change" });
    return { applied: false, note: `no status for ${fact.action}` };
  }
  const stale = mandate.statusAt && fact.at.getTime() < mandate.statusAt.getTime();
  // A cancelled or replaced mandate comes back only through GoCardless's reinstatement.
  const final = ["cancelled", "replaced"].includes(mandate.status) && fact.action !== "reinstated";
  if (stale || final || status === mandate.status) {
    await recordMandateEvent(tx, { ...base(mandate, fact), status: mandate.status, note: stale ? "older than the current status" : (fact.cause ?? "") });
    return { applied: false, note: stale ? "older event" : "status unchanged" };
  }
  let replacedById: string | undefined;
  if (status === "replaced" && fact.newMandateId) {
    const existing = await tx.mandate.findUnique({ where: { providerMandateId: fact.newMandateId } });
    const successor =
      existing ??
      (await tx.mandate.create({
        data: {
          organisationId: mandate.organisationId,
          customerId: mandate.customerId,
          invoiceId: mandate.invoiceId,
          reference: `${mandate.reference.slice(0, 30)}-R${Date.now().toString(36).slice(-3).toUpperCase()}`,
          creditorKind: mandate.creditorKind,
          creditorIdentifier: mandate.creditorIdentifier,
          creditorSnapshot: mandate.creditorSnapshot,
          encryptedIban: mandate.encryptedIban,
          ibanLast4: mandate.ibanLast4,
          ibanMasked: mandate.ibanMasked,
          bic: mandate.bic,
          holderName: mandate.holderName,
          debtorAddress: mandate.debtorAddress,
          email: mandate.email,
          type: mandate.type,
          status: "active",
          statusAt: fact.at,
          currency: mandate.currency,
          locale: mandate.locale,
          signedAt: mandate.signedAt,
          signatureTrace: mandate.signatureTrace,
          providerMandateId: fact.newMandateId,
        },
      }));
    if (!existing) {
      await recordMandateEvent(tx, {
        organisationId: successor.organisationId,
        mandateId: successor.id,
        fromStatus: null,
        status: "active",
        origin: "gocardless",
        action: "replaces",
        note: mandate.providerMandateId ?? "",
        at: fact.at,
      });
    }
    replacedById = successor.id;
  }
  await moveTo(tx, mandate, status, {
    origin: "gocardless",
    action: fact.action,
    at: fact.at,
    note: fact.cause,
    providerEventId: fact.providerEventId,
    data: {
      ...(status === "cancelled" ? { cancelledAt: fact.at } : {}),
      ...(replacedById ? { replacedById } : {}),
    },
  });
  return { applied: true, mandate: { id: mandate.id, invoiceId: mandate.invoiceId }, status };
}

function base(mandate: { id: string; organisationId: string; status: string }, fact: { action: string; at: Date; providerEventId: string }) {
  return {
    organisationId: mandate.organisationId,
    mandateId: mandate.id,
    fromStatus: mandate.status,
    origin: "gocardless" as const,
    action: fact.action,
    providerEventId: fact.providerEventId,
    at: fact.at,
  };
}

/** The merchant cancels ("révoque") a mandate: recorded here once the creditor side is done (see cancelMandate). */
export async function recordCancellation(db: Db, mandate: { id: string; organisationId: string }, at: Date) {
  return db.$transaction(async (tx) => {
    const current = await tx.mandate.findFirst({ where: { id: mandate.id, organisationId: mandate.organisationId } });
    if (!current || !["pending", "active", "pending_verification"].includes(current.status)) return false;
    await moveTo(tx, current, "cancelled", { origin: "merchant", action: "cancelled", at, data: { cancelledAt: at } });
    return true;
  });
}
