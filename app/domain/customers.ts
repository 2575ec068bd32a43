import { z } from "zod";
import type { Db } from "~/lib/db.server";
import { localeField, optionalEmail, optionalText, requiredText } from "./validation";

export const customerSchema = z.object({
  name: requiredText(120),
  company: optionalText(120),
  email: optionalEmail,
  locale: localeField,
  addressLine1: optionalText(120),
  addressLine2: optionalText(120),
  postalCode: optionalText(16),
  city: optionalText(80),
  country: z.preprocess((v) => (typeof v === "string" && v.trim() ? v.trim().toUpperCase() : "FR"), z.string().regex(/^[A-Z]{2}$/, "errors.invalid")),
  reference: optionalText(60),
});
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
