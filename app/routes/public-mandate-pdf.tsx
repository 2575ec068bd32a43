import { mandateForCustomer } from "~/domain/mandates/service";
import { asResource, notFound } from "~/lib/http.server";
import { mandatePdfResponse } from "~/lib/mandate-flow.server";
import { invoiceOfLink, readerLocale } from "~/lib/public-link.server";
import { LOCALE_COOKIE, cookieValue } from "~/lib/session.server";
import { isLocale } from "~/i18n";
import type { Route } from "./+types/public-mandate-pdf";

/**
 * The signed mandate as a PDF. Own-ICS creditors: ours, with every mention and the signature trace.
 * GoCardless creditors: GoCardless's own PDF of the mandate (a URL valid 10 minutes, asked for on each
 * click and never stored), once GoCardless has set the mandate up.
 */
export function loader({ request, params, context }: Route.LoaderArgs) {
  const chosen = cookieValue(request, LOCALE_COOKIE);
  return asResource(
    async () => (isLocale(chosen) ? chosen : "fr"),
    async () => {
      const invoice = await invoiceOfLink(context, params.token);
      const mandate = (await mandateForCustomer(context.db, invoice.organisationId, invoice.customerId, params.mandateId)) ?? notFound();
      return mandatePdfResponse(context, mandate, readerLocale(request, invoice.customer));
    },
  );
}
