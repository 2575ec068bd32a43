/** A customer's invoices that can take money, for recorded payments, balance payments and credit. */
import type { Db, Tx } from "~/lib/db.server";
import { type OpenInvoice, proposeAllocation } from "./allocation";

type Reader = Db | Tx;

/**
 * Finalised, not void, something due; oldest due first. With `lessInFlight`, each one's due is what is
 * left once the payments already on their way for it arrive (money the customer sends now should not
 * pay twice what a debit is already collecting), and those fully covered are left out.
 */
export async function openInvoicesOf(db: Reader, organisationId: string, customerId: string, lessInFlight = false): Promise<OpenInvoice[]> {
  const rows = await db.invoice.findMany({
    where: { organisationId, customerId, status: { in: ["open", "partially_paid"] }, number: { not: null }, amountDueMinor: { gt: 0 } },
    select: {
      id: true,
      number: true,
      currency: true,
      issueDate: true,
      dueDate: true,
      amountDueMinor: true,
      payments: lessInFlight ? { where: { status: "processing" }, select: { amountMinor: true } } : false,
    },
    orderBy: [{ dueDate: "asc" }, { issueDate: "asc" }],
  });
  return rows
    .map(({ payments, ...r }) => ({
      ...r,
      number: r.number ?? "",
      amountDueMinor: r.amountDueMinor - (payments ?? []).reduce((sum, p) => sum + p.amountMinor, 0),
    }))
    .filter((r) => r.amountDueMinor > 0);
}

export { proposeAllocation };
