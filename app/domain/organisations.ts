import { z } from "zod";
import type { Db } from "~/lib/db.server";
import { checkIban, normaliseBic, normaliseSiret, normaliseVatNumber } from "./identifiers";
import { SEPA_CREDITORS, normaliseIcs } from "./mandates/creditor";
import { NO_VAT_EXEMPTION, OPERATION_NATURES, VAT_EXEMPTIONS } from "./invoices/mentions";
import { isValidNumberFormat } from "./invoices/numbering";
import { CURRENCIES } from "./money";
import { checkbox, localeField, optionalText, requiredText } from "./validation";

const optionalIdentifier = (normalise: (value: string) => string | null, message: "errors.bicFormat" | "errors.siret" | "errors.vatNumber") =>
  optionalText(64).transform((value, ctx) => {
    if (!value) return "";
    const normalised = normalise(value);
    if (!normalised) ctx.addIssue({ code: "custom", message });
    return normalised ?? "";
  });

/** An IBAN or nothing; a mistyped one is told apart from one that is not an IBAN at all. */
const optionalIban = optionalText(64).transform((value, ctx) => {
  if (!value) return "";
  const checked = checkIban(value);
  if (checked.ok) return checked.iban;
  ctx.addIssue({ code: "custom", message: checked.error === "checksum" ? "errors.ibanChecksum" : "errors.ibanFormat" });
  return "";
});

export const organisationProfileSchema = z
  .object({
    legalName: requiredText(120),
    addressLine1: optionalText(120),
    addressLine2: optionalText(120),
    postalCode: optionalText(16),
    city: optionalText(80),
    country: z.preprocess((v) => (typeof v === "string" ? v.trim().toUpperCase() : ""), z.string().regex(/^[A-Z]{2}$/, "errors.invalid")),
    siret: optionalIdentifier(normaliseSiret, "errors.siret"),
    vatNumber: optionalIdentifier(normaliseVatNumber, "errors.vatNumber"),
    legalMentions: optionalText(300),
    defaultCurrency: z.enum(CURRENCIES, { error: "errors.currency" }),
    locale: localeField,
    paymentTermsDays: z.preprocess(
      (v) => (v === "" || v === undefined ? undefined : Number(v)),
      z.number({ error: "errors.invalid" }).int("errors.invalid").min(0, "errors.invalid").max(365, "errors.invalid"),
    ),
    iban: optionalIban,
    bic: optionalIdentifier(normaliseBic, "errors.bicFormat"),
    invoiceNumberFormat: requiredText(40).refine(isValidNumberFormat, "errors.numberFormat"),
    // Credit notes' own series (issue 14); left out of a post (undefined): unchanged.
    creditNoteNumberFormat: z.union([z.undefined(), requiredText(40).refine(isValidNumberFormat, "errors.numberFormat")]),
    // Left out of a post (undefined): unchanged.
    operationNature: z.enum(OPERATION_NATURES, { error: "errors.invalid" }).optional(),
    vatOnDebits: checkbox,
    vatExemptionDefault: z
      .enum([NO_VAT_EXEMPTION, ...VAT_EXEMPTIONS], { error: "errors.invalid" })
      .optional()
      .transform((value) => (value === NO_VAT_EXEMPTION ? "" : value)),
    // Automatic debit's pre-notification (issue 15, decision 0020): 14 days unless a shorter delay was agreed. Left out: unchanged.
    debitNoticeDays: z.preprocess(
      (v) => (v === "" || v === undefined ? undefined : Number(v)),
      z.number({ error: "errors.invalid" }).int("errors.invalid").min(1, "errors.invalid").max(14, "errors.invalid").optional(),
    ),
    // SEPA direct debit (issue 15). Left out of a post (undefined): unchanged.
    sepaCreditor: z.enum(SEPA_CREDITORS, { error: "errors.invalid" }).optional(),
    creditorIdentifier: optionalText(40)
      .optional()
      .transform((value, ctx) => {
        if (value === undefined || value === "") return value;
        const ics = normaliseIcs(value);
        if (!ics) ctx.addIssue({ code: "custom", message: "errors.icsFormat" });
        return ics ?? "";
      }),
  })
  // Its own creditor must have its identifier: mandates print it and the bank needs it.
  .superRefine((profile, ctx) => {
    if (profile.sepaCreditor === "own_ics" && !profile.creditorIdentifier)
      ctx.addIssue({ code: "custom", path: ["creditorIdentifier"], message: "errors.icsRequired" });
  });
export type OrganisationProfile = z.infer<typeof organisationProfileSchema>;

/** The form asks only for the name; the document language starts as the creator's. */
export const newOrganisationSchema = z.object({ legalName: requiredText(120) });

export function createOrganisation(db: Db, ownerId: string, input: { legalName: string; locale: "fr" | "en" }) {
  return db.organisation.create({
    data: { legalName: input.legalName, locale: input.locale, memberships: { create: { userId: ownerId, role: "owner" } } },
  });
}

export function updateOrganisationProfile(db: Db, organisationId: string, profile: OrganisationProfile) {
  return db.organisation.update({ where: { id: organisationId }, data: profile });
}

export function membershipsOf(db: Db, userId: string) {
  return db.membership.findMany({ where: { userId }, include: { organisation: true }, orderBy: { createdAt: "asc" } });
}

export function findMembership(db: Db, userId: string, organisationId: string) {
  return db.membership.findUnique({ where: { userId_organisationId: { userId, organisationId } }, include: { organisation: true } });
}

export function listMembers(db: Db, organisationId: string) {
  return db.membership.findMany({ where: { organisationId }, include: { user: true }, orderBy: { createdAt: "asc" } });
}

/** Who receives payment notices: a member of the organisation, or null for the owner. False (nothing changed) when the user is not a member. */
export async function setPaymentsContact(db: Db, organisationId: string, userId: string | null) {
  if (userId && !(await db.membership.findFirst({ where: { organisationId, userId }, select: { userId: true } }))) return false;
  await db.organisation.update({ where: { id: organisationId }, data: { paymentsContactId: userId } });
  return true;
}

export function listPendingInvitations(db: Db, organisationId: string, now: Date) {
  return db.invitation.findMany({ where: { organisationId, acceptedAt: null, declinedAt: null, expiresAt: { gt: now } }, orderBy: { createdAt: "desc" } });
}
