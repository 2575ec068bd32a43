import { decryptSecret } from "~/lib/crypto.server";
import type { Db } from "~/lib/db.server";
import type { Logger } from "~/lib/logger.server";
import type { MessageKey } from "~/i18n";
import { isProviderError, type MandateProvider } from "../../../integrations/types";
import { recordCancellation } from "./service";

/**
 * The merchant cancels ("révoque") one of its customer's mandates. Own-ICS: recorded (no debit will be put
 * in a debit file for it any more). GoCardless: cancelled at GoCardless first, through the SDK, then
 * recorded; GoCardless's own `mandates.cancelled` event that follows finds it cancelled and changes nothing.
 */
export async function cancelMandate(
  deps: { db: Db; gocardless: MandateProvider; encryptionKey: string; log: Logger },
  input: { organisationId: string; customerId: string; mandateId: string },
  now: Date,
): Promise<{ ok: true } | { ok: false; error: MessageKey }> {
  const { db } = deps;
  const mandate = await db.mandate.findFirst({ where: { id: input.mandateId, organisationId: input.organisationId, customerId: input.customerId } });
  if (!mandate) return { ok: false, error: "errors.notFound" };
  if (!["pending", "active"].includes(mandate.status)) return { ok: false, error: "mandates.errors.notCancellable" };
  if (mandate.creditorKind === "gocardless" && mandate.providerMandateId) {
    const connection = await db.providerConnection.findFirst({ where: { organisationId: input.organisationId, provider: "gocardless", revokedAt: null } });
    if (!connection) return { ok: false, error: "mandates.errors.noConnection" };
    try {
      await deps.gocardless.cancelMandate(
        { accountId: connection.accountId, accessToken: decryptSecret(deps.encryptionKey, connection.encryptedToken) },
        mandate.providerMandateId,
      );
    } catch (error) {
      deps.log.warn({ mandateId: mandate.id, error: error instanceof Error ? error.message : String(error) }, "mandate cancellation refused by GoCardless");
      return { ok: false, error: isProviderError(error) && error.kind === "unavailable" ? "checkout.errors.providerDown" : "mandates.errors.cancelRefused" };
    }
  }
  await recordCancellation(db, mandate, now);
  deps.log.info({ mandateId: mandate.id, creditor: mandate.creditorKind }, "mandate cancelled by the merchant");
  return { ok: true };
}
