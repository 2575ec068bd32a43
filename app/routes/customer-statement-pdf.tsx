import { getCustomer } from "~/domain/customers";
import { isLocale } from "~/i18n";
import { asResource, notFound } from "~/lib/http.server";
import { requireMember, resolveLocale } from "~/lib/session.server";
import { statementPdfResponse } from "~/lib/statement-pdf.server";
import type { Route } from "./+types/customer-statement-pdf";

/** The merchant's statement as a PDF, same period as the page; in the reader's language unless `?lang=` says otherwise. */
export function loader({ request, params, context }: Route.LoaderArgs) {
  return asResource(
    () => resolveLocale(request, context),
    async () => {
      const { organisation } = await requireMember(request, context, "viewInvoices");
      const customer = (await getCustomer(context.db, organisation.id, params.customerId)) ?? notFound();
      const url = new URL(request.url);
      const asked = url.searchParams.get("lang");
      const locale = isLocale(asked) ? asked : await resolveLocale(request, context);
      return statementPdfResponse(context.db, organisation.id, customer.id, url.searchParams, locale);
    },
  );
}
