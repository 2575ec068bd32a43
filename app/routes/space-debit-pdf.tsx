import { mandateForCustomer } from "~/domain/mandates/service";
import { requireCustomer, spaceLocale } from "~/lib/customer-session.server";
import { asResource, notFound } from "~/lib/http.server";
import { mandatePdfResponse } from "~/lib/mandate-flow.server";
import type { Route } from "./+types/space-debit-pdf";

/** One of the signed-in customer's signed mandates as a PDF (ours, or GoCardless's); anyone else's is a 404. */
export function loader({ request, params, context }: Route.LoaderArgs) {
  return asResource(
    () => spaceLocale(request, context, params.orgId),
    async () => {
      const { customer, organisation } = await requireCustomer(request, context, params.orgId);
      const mandate = (await mandateForCustomer(context.db, organisation.id, customer.id, params.mandateId)) ?? notFound();
      return mandatePdfResponse(context, mandate, await spaceLocale(request, context, organisation.id));
    },
  );
}
