import { invoiceForToken } from "~/domain/consultation";
import { getCreditNote } from "~/domain/credit-notes/service";
import type { Parties } from "~/domain/invoices/service";
import { isLocale } from "~/i18n";
import { asResource, notFound } from "~/lib/http.server";
import { LOCALE_COOKIE, cookieValue } from "~/lib/session.server";
import { countUnknownLink, refuseLinkGuessers } from "~/lib/throttle.server";
import { renderCreditNotePdf } from "~/pdf/credit-note-document";
import type { Route } from "./+types/public-credit-note-pdf";

/** A credit note's PDF, for whoever holds its invoice's consultation link (the link its email carries). */
export function loader({ request, params, context }: Route.LoaderArgs) {
  const chosen = cookieValue(request, LOCALE_COOKIE);
  return asResource(
    async () => (isLocale(chosen) ? chosen : "fr"),
    async () => {
      await refuseLinkGuessers(context);
      const invoice = await invoiceForToken(context.db, params.token);
      if (!invoice) await countUnknownLink(context);
      const found = invoice ? await getCreditNote(context.db, invoice.organisationId, params.creditNoteId) : null;
      // Only the credit notes of the link's own invoice.
      const creditNote = found && found.invoiceId === invoice?.id ? found : notFound();
      const locale = isLocale(chosen) ? chosen : isLocale(creditNote.customer.locale) ? creditNote.customer.locale : "fr";
      const pdf = await renderCreditNotePdf(creditNote, JSON.parse(creditNote.partiesSnapshot) as Parties, locale);
      return new Response(new Uint8Array(pdf), {
        headers: {
          "Content-Type": "application/pdf",
          "Content-Disposition": `attachment; filename="${creditNote.number.replace(/[^\w.-]/g, "_")}.pdf"`,
          "Cache-Control": "private, no-store",
          "X-Robots-Tag": "noindex",
        },
      });
    },
  );
}
