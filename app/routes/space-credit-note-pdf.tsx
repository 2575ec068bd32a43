import { getCreditNote } from "~/domain/credit-notes/service";
import type { Parties } from "~/domain/invoices/service";
import { requireCustomer, spaceLocale } from "~/lib/customer-session.server";
import { asResource, notFound } from "~/lib/http.server";
import { renderCreditNotePdf } from "~/pdf/credit-note-document";
import type { Route } from "./+types/space-credit-note-pdf";

/** One of the customer's own credit notes as a PDF; anyone else's is a 404. */
export function loader({ request, params, context }: Route.LoaderArgs) {
  return asResource(
    () => spaceLocale(request, context, params.orgId),
    async () => {
      const { customer, organisation } = await requireCustomer(request, context, params.orgId);
      const found = await getCreditNote(context.db, organisation.id, params.creditNoteId);
      const creditNote = found && found.customerId === customer.id ? found : notFound();
      const locale = await spaceLocale(request, context, organisation.id);
      const pdf = await renderCreditNotePdf(creditNote, JSON.parse(creditNote.partiesSnapshot) as Parties, locale);
      return new Response(new Uint8Array(pdf), {
        headers: {
          "Content-Type": "application/pdf",
          "Content-Disposition": `inline; filename="${creditNote.number.replace(/[^\w.-]/g, "_")}.pdf"`,
          "Cache-Control": "private, no-store",
        },
      });
    },
  );
}
