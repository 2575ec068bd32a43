import { isLocale } from "~/i18n";
import { requireCustomer, spaceLocale } from "~/lib/customer-session.server";
import { asResource } from "~/lib/http.server";
import { statementPdfResponse } from "~/lib/statement-pdf.server";
import type { Route } from "./+types/space-statement-pdf";

/** The customer's own statement as a PDF: their account only, whatever the URL says. */
export function loader({ request, params, context }: Route.LoaderArgs) {
  return asResource(
    () => spaceLocale(request, context, params.orgId),
    async () => {
      const { customer, organisation } = await requireCustomer(request, context, params.orgId);
      const url = new URL(request.url);
      const asked = url.searchParams.get("lang");
      const locale = isLocale(asked) ? asked : await spaceLocale(request, context, organisation.id);
      return statementPdfResponse(context.db, organisation.id, customer.id, url.searchParams, locale);
    },
  );
}
