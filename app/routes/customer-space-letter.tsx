import { redirect } from "react-router";
import { z } from "zod";
import { displayCode, issueAccessCode } from "~/domain/customer-space/access";
import { spaceUrl } from "~/domain/customer-space/invite";
import { can } from "~/domain/permissions";
import { isLocale } from "~/i18n";
import { parseForm } from "~/lib/forms.server";
import { asResource, forbidden, httpError, notFound } from "~/lib/http.server";
import { requireMember, resolveLocale } from "~/lib/session.server";
import { renderAccessLetter } from "~/pdf/access-letter";
import type { Route } from "./+types/customer-space-letter";

/**
 * The access code as a printable letter (PDF). A new code each time (it replaces the emailed one): only
 * its hash is kept, so this answer is the only place the code is ever shown.
 */
export function action({ request, params, context }: Route.ActionArgs) {
  return asResource(
    () => resolveLocale(request, context),
    async () => {
      const { organisation, role } = await requireMember(request, context);
      if (!can(role, "editCustomers")) forbidden();
      await parseForm(request, context, z.object({}));
      const now = new Date();
      const result = (await issueAccessCode(context.db, organisation.id, params.customerId, now)) ?? notFound();
      if (!result.ok)
        httpError(
          409,
          result.reason === "noEmail" ? "space.access.noEmail" : result.reason === "emailTaken" ? "space.access.emailTaken" : "customers.archivedNotice",
        );
      const customer = await context.db.customer.findUniqueOrThrow({ where: { id: params.customerId }, include: { organisation: true } });
      const locale = isLocale(customer.locale) ? customer.locale : "fr";
      const pdf = await renderAccessLetter(
        {
          merchant: customer.organisation,
          customer,
          email: result.access.email,
          url: spaceUrl(context.config.APP_URL, organisation.id, "/activer"),
          code: displayCode(result.code),
          expiresAt: (await context.db.customerAccess.findUniqueOrThrow({ where: { id: result.access.id } })).codeExpiresAt!,
          today: now,
        },
        locale,
      );
      context.log.info({ customerId: customer.id }, "customer space letter printed");
      return new Response(new Uint8Array(pdf), {
        headers: {
          "Content-Type": "application/pdf",
          "Content-Disposition": `inline; filename="espace-client-${customer.id}.pdf"`,
          "Cache-Control": "private, no-store",
        },
      });
    },
  );
}

export function loader({ params }: Route.LoaderArgs) {
  return redirect(`/customers/${params.customerId}/space`);
}
