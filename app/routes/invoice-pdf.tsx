import { getInvoice, partiesOf } from "~/domain/invoices/service";
import { isLocale } from "~/i18n";
import { asResource, notFound } from "~/lib/http.server";
import { requireMember, resolveLocale } from "~/lib/session.server";
import { renderInvoicePdf } from "~/pdf/invoice-document";
import type { Route } from "./+types/invoice-pdf";

export function loader({ request, params, context }: Route.LoaderArgs) {
  return asResource(
    () => resolveLocale(request, context),
    () => renderPdf({ request, params, context }),
  );
}

async function renderPdf({ request, params, context }: Pick<Route.LoaderArgs, "request" | "params" | "context">) {
  const { organisation } = await requireMember(request, context, "viewInvoices");
  const invoice = (await getInvoice(context.db, organisation.id, params.invoiceId)) ?? notFound();
  // The document speaks its reader's language: the customer's, unless asked otherwise.
  const requested = new URL(request.url).searchParams.get("lang");
  const locale = isLocale(requested) ? requested : isLocale(invoice.customer.locale) ? invoice.customer.locale : "fr";
  const pdf = await renderInvoicePdf(invoice, partiesOf(invoice), locale);
  const filename = (invoice.number ?? `draft-${invoice.id}`).replace(/[^\w.-]/g, "_");
  return new Response(new Uint8Array(pdf), {
    headers: {
      "Content-Type": "application/pdf",
      "Content-Disposition": `inline; filename="${filename}.pdf"`,
      "Cache-Control": "private, no-store",
    },
  });
}
