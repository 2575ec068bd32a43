import { z } from "zod";
import type { Db } from "~/lib/db.server";
import { normaliseSiren, normaliseSiret, normaliseVatNumber, sirenOfVatNumber } from "./identifiers";
import { localeField, optionalEmail, optionalText, requiredText } from "./validation";

/** A business customer's SIREN, or the SIRET of the establishment invoiced (both are accepted on an invoice). */
const sirenOrSiret = (value: string) => normaliseSiren(value) ?? normaliseSiret(value);

const optionalIdentifier = (normalise: (value: string) => string | null, message: "errors.siren" | "errors.vatNumber") =>
  optionalText(64).transform((value, ctx) => {
    if (!value) return "";
    const normalised = normalise(value);
    if (!normalised) ctx.addIssue({ code: "custom", message });
    return normalised ?? "";
  });

const countryCode = (fallback: string) =>
  z.preprocess((v) => (typeof v === "string" && v.trim() ? v.trim().toUpperCase() : fallback), z.string().regex(/^([A-Z]{2})?$/, "errors.invalid"));

const DELIVERY_FIELDS = ["deliveryAddressLine1", "deliveryAddressLine2", "deliveryPostalCode", "deliveryCity"] as const;

/** The customer form's fields; `customerSchema` adds the checks across fields. */
export const customerFields = z.object({
  name: requiredText(120),
  company: optionalText(120),
  email: optionalEmail,
  locale: localeField,
  addressLine1: optionalText(120),
  addressLine2: optionalText(120),
  postalCode: optionalText(16),
  city: optionalText(80),
  country: countryCode("FR").refine((code) => code !== "", "errors.invalid"),
  reference: optionalText(60),
  siren: optionalIdentifier(sirenOrSiret, "errors.siren"),
  vatNumber: optionalIdentifier(normaliseVatNumber, "errors.vatNumber"),
  deliveryAddressLine1: optionalText(120),
  deliveryAddressLine2: optionalText(120),
  deliveryPostalCode: optionalText(16),
  deliveryCity: optionalText(80),
  deliveryCountry: countryCode(""),
});

type CustomerFields = z.output<typeof customerFields>;

/** The checks across fields, once each field is valid. */
export function checkCustomer(customer: CustomerFields, ctx: z.core.$RefinementCtx<CustomerFields>) {
  // A French VAT number is built on the company's SIREN: both given, they must be the same company's.
  const vatSiren = sirenOfVatNumber(customer.vatNumber);
  if (vatSiren && customer.siren && vatSiren !== customer.siren.slice(0, 9)) {
    ctx.addIssue({ code: "custom", path: ["vatNumber"], message: "errors.vatNumberNotSiren" });
  }
  // A delivery address is a whole address or none.
  if (DELIVERY_FIELDS.some((field) => customer[field]) || customer.deliveryCountry) {
    for (const field of ["deliveryAddressLine1", "deliveryCity"] as const) {
      if (!customer[field]) ctx.addIssue({ code: "custom", path: [field], message: "errors.required" });
    }
  }
}

export const customerSchema = customerFields.superRefine(checkCustomer);
export type CustomerInput = z.infer<typeof customerSchema>;

export const CUSTOMERS_PAGE_SIZE = 25;

export async function listCustomers(db: Db, organisationId: string, options: { query?: string; archived?: boolean; page?: number }) {
  const query = options.query?.trim().slice(0, 100);
  const where = {
    organisationId,
    archivedAt: options.archived ? { not: null } : null,
    ...(query
      ? {
          OR: [
            { name: { contains: query } },
            { company: { contains: query } },
            { email: { contains: query.toLowerCase() } },
            { reference: { contains: query } },
          ],
        }
      : {}),
  };
  const page = Math.max(1, options.page ?? 1);
  const [customers, total] = await Promise.all([
    db.customer.findMany({ where, orderBy: [{ name: "asc" }, { id: "asc" }], skip: (page - 1) * CUSTOMERS_PAGE_SIZE, take: CUSTOMERS_PAGE_SIZE }),
    db.customer.count({ where }),
  ]);
  return { customers, total, page, pages: Math.max(1, Math.ceil(total / CUSTOMERS_PAGE_SIZE)) };
}

/** Customers an invoice can be addressed to. */
export function activeCustomers(db: Db, organisationId: string) {
  return db.customer.findMany({ where: { organisationId, archivedAt: null }, orderBy: { name: "asc" }, select: { id: true, name: true, company: true } });
}

export function getCustomer(db: Db, organisationId: string, id: string) {
  return db.customer.findFirst({ where: { id, organisationId } });
}

/** Other customers of the organisation with this email (a likely duplicate, said to the merchant, never refused). */
export function customersWithEmail(db: Db, organisationId: string, email: string, exceptId: string) {
  if (!email) return Promise.resolve([]);
  return db.customer.findMany({
    where: { organisationId, email, id: { not: exceptId } },
    orderBy: { createdAt: "asc" },
    take: 5,
    select: { id: true, name: true, company: true },
  });
}

export function createCustomer(db: Db, organisationId: string, input: CustomerInput) {
  return db.customer.create({ data: { ...input, organisationId } });
}

/** Returns false when the customer is not in this organisation. */
export async function updateCustomer(db: Db, organisationId: string, id: string, input: CustomerInput) {
  const { count } = await db.customer.updateMany({ where: { id, organisationId }, data: input });
  return count === 1;
}

export async function setCustomerArchived(db: Db, organisationId: string, id: string, archived: boolean, now: Date) {
  const { count } = await db.customer.updateMany({ where: { id, organisationId }, data: { archivedAt: archived ? now : null } });
  return count === 1;
}
