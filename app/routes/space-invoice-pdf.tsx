import { ownInvoice } from "~/domain/customer-space/account";
import { partiesOf } from "~/domain/invoices/service";
import { requireCustomer, spaceLocale } from "~/lib/customer-session.server";
import { asResource, notFound } from "~/lib/http.server";
import { renderInvoicePdf } from "~/pdf/invoice-document";
import type { Route } from "./+types/space-invoice-pdf";

/** One of the customer's own invoices as a PDF (the invoice renderer, as the merchant and the consultation link get it); anyone else's is a 404. */
export function loader({ request, params, context }: Route.LoaderArgs) {
  return asResource(
    () => spaceLocale(request, context, params.orgId),
    async () => {
      const { customer, organisation } = await requireCustomer(request, context, params.orgId);
      const invoice = (await ownInvoice(context.db, organisation.id, customer.id, params.invoiceId)) ?? notFound();
      const locale = await spaceLocale(request, context, organisation.id);
      const pdf = await renderInvoicePdf(invoice, partiesOf(invoice), locale);
      return new Response(new Uint8Array(pdf), {
        headers: {
          "Content-Type": "application/pdf",
          "Content-Disposition": `inline; filename="${invoice.number!.replace(/[^\w.-]/g, "_")}.pdf"`,
          "Cache-Control": "private, no-store",
        },
      });
    },
  );
}
