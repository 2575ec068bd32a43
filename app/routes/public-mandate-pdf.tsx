import { displayIban } from "~/domain/identifiers";
import { ibanOf, mandateForCustomer, type CreditorSnapshot } from "~/domain/mandates/service";
import { addressLine } from "~/domain/mandates/texts";
import { decryptSecret } from "~/lib/crypto.server";
import { asResource, notFound } from "~/lib/http.server";
import { invoiceOfLink, readerLocale } from "~/lib/public-link.server";
import { LOCALE_COOKIE, cookieValue } from "~/lib/session.server";
import { throwIfRefused } from "~/lib/throttle.server";
import { isLocale } from "~/i18n";
import { renderMandatePdf } from "~/pdf/mandate-document";
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
      const locale = readerLocale(request, invoice.customer);
      if (mandate.creditorKind === "gocardless") {
        const connection = await context.db.providerConnection.findFirst({
          where: { organisationId: invoice.organisationId, provider: "gocardless", revokedAt: null },
        });
        if (!mandate.providerMandateId || !connection) notFound();
        // Each click asks GoCardless for a new PDF URL: a few per client, like the pay buttons.
        throwIfRefused(await context.throttles.consume("payClient", context.clientIp));
        const pdf = await context.providers.gocardless.mandatePdf(
          { accountId: connection!.accountId, accessToken: decryptSecret(context.config.ENCRYPTION_KEY, connection!.encryptedToken) },
          mandate.providerMandateId!,
          locale,
        );
        return new Response(null, { status: 303, headers: { Location: pdf.url, "Cache-Control": "no-store" } });
      }
      if (!mandate.signedAt || mandate.status === "pending_verification") notFound();
      const creditor = JSON.parse(mandate.creditorSnapshot) as CreditorSnapshot;
      const pdf = await renderMandatePdf(
        {
          creditor: { name: creditor.name, address: addressLine(creditor) },
          ics: mandate.creditorIdentifier,
          debtor: { name: mandate.holderName, address: addressLine(JSON.parse(mandate.debtorAddress)) },
          iban: displayIban(ibanOf(context.config.ENCRYPTION_KEY, mandate)),
          bic: mandate.bic,
          reference: mandate.reference,
          type: mandate.type,
          amountMinor: mandate.type === "one_off" ? mandate.amountMinor : null,
          currency: mandate.currency,
          signedAt: mandate.signedAt!,
          trace: JSON.parse(mandate.signatureTrace),
        },
        locale,
      );
      return new Response(new Uint8Array(pdf), {
        headers: {
          "Content-Type": "application/pdf",
          "Content-Disposition": `attachment; filename="mandat-${mandate.reference.replace(/[^\w.-]/g, "_")}.pdf"`,
          "Cache-Control": "private, no-store",
          "X-Robots-Tag": "noindex",
        },
      });
    },
  );
}
