import { invoiceForToken } from "~/domain/consultation";
import { partiesOf } from "~/domain/invoices/service";
import { isLocale } from "~/i18n";
import { asResource, notFound } from "~/lib/http.server";
import { LOCALE_COOKIE, cookieValue } from "~/lib/session.server";
import { countUnknownLink, refuseLinkGuessers } from "~/lib/throttle.server";
import { renderInvoicePdf } from "~/pdf/invoice-document";
import type { Route } from "./+types/public-invoice-pdf";

export function loader({ request, params, context }: Route.LoaderArgs) {
  const chosen = cookieValue(request, LOCALE_COOKIE);
  return asResource(
    async () => (isLocale(chosen) ? chosen : "fr"),
    async () => {
      await refuseLinkGuessers(context);
      const found = await invoiceForToken(context.db, params.token);
      if (!found) await countUnknownLink(context);
      const invoice = found ?? notFound();
      const locale = isLocale(chosen) ? chosen : isLocale(invoice.customer.locale) ? invoice.customer.locale : "fr";
      const pdf = await renderInvoicePdf(invoice, partiesOf(invoice), locale);
      return new Response(new Uint8Array(pdf), {
        headers: {
          "Content-Type": "application/pdf",
          "Content-Disposition": `attachment; filename="${invoice.number!.replace(/[^\w.-]/g, "_")}.pdf"`,
          "Cache-Control": "private, no-store",
          "X-Robots-Tag": "noindex",
        },
      });
    },
  );
}
