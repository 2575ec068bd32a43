import { accountMovements } from "~/domain/accounts/receipts";
import { statementFor } from "~/domain/accounts/statement-query";
import { accountReference } from "~/domain/customer-space/account";
import { todayUtc } from "~/domain/validation";
import type { Locale } from "~/i18n";
import type { Db } from "./db.server";
import { notFound } from "./http.server";
import { renderStatementPdf } from "~/pdf/statement-document";

/**
 * The statement PDF of one customer's account, for the period and currency of the URL, in `locale`: the
 * merchant's download and the customer's own come from here, so both read the same figures.
 */
export async function statementPdfResponse(db: Db, organisationId: string, customerId: string, params: URLSearchParams, locale: Locale) {
  const customer = (await db.customer.findFirst({ where: { id: customerId, organisationId }, include: { organisation: true } })) ?? notFound();
  const movements = await accountMovements(db, organisationId, customer.id);
  const { statement, query } = statementFor(movements, params, todayUtc(new Date()), customer.organisation.defaultCurrency);
  const pdf = await renderStatementPdf({ statement, merchant: customer.organisation, customer, reference: accountReference(customer) }, locale);
  const filename = `releve-${accountReference(customer)}-${query.from}-${query.to}-${query.currency}`.replace(/[^\w.-]/g, "_");
  return new Response(new Uint8Array(pdf), {
    headers: {
      "Content-Type": "application/pdf",
      "Content-Disposition": `inline; filename="${filename}.pdf"`,
      "Cache-Control": "private, no-store",
    },
  });
}
