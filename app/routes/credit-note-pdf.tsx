import { getCreditNote } from "~/domain/credit-notes/service";
import type { Parties } from "~/domain/invoices/service";
import { isLocale } from "~/i18n";
import { asResource, notFound } from "~/lib/http.server";
import { requireMember, resolveLocale } from "~/lib/session.server";
import { renderCreditNotePdf } from "~/pdf/credit-note-document";
import type { Route } from "./+types/credit-note-pdf";

export function loader({ request, params, context }: Route.LoaderArgs) {
  return asResource(
    () => resolveLocale(request, context),
    async () => {
      const { organisation } = await requireMember(request, context, "viewInvoices");
      const creditNote = (await getCreditNote(context.db, organisation.id, params.creditNoteId)) ?? notFound();
      // The document speaks its reader's language: the customer's, unless asked otherwise.
      const requested = new URL(request.url).searchParams.get("lang");
      const locale = isLocale(requested) ? requested : isLocale(creditNote.customer.locale) ? creditNote.customer.locale : "fr";
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
