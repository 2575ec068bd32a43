/**
 * "Vérifier les prélèvements en attente" and its nightly run (issue 16): each connected provider is
 * asked for the events of the merchant's account since the last successful check (payments, refunds,
 * GoCardless mandates: everything the webhooks carry), and what the webhooks missed is applied through
 * the very path webhooks take. Each event is stored in the webhook inbox under the provider's own event
 * id (unique): an event a webhook already delivered is skipped, and one found here is never applied
 * again by a late webhook. See docs/decisions/0021-imports-and-debit-files.md.
 */
import { decryptSecret } from "~/lib/crypto.server";
import { isUniqueViolation, type Tx } from "~/lib/db.server";
import type { ProviderEvent, ProviderId } from "../../integrations/types";
import { isProviderId } from "../../integrations/types";
import { collectDueDebits } from "./debit-files/collection";
import type { ScheduledJob } from "./scheduler";
import { handleEvent, type WebhookDeps } from "./webhooks";
import type { Outcome } from "./webhooks/handlers";

/** The next check starts a little before the last one did: provider clocks differ, and an event seen twice is skipped. */
const OVERLAP_MS = 10 * 60 * 1000;
/**
 * A first check looks back this far (at most), never before the connection was made: Stripe guarantees
 * its events for 30 days only, so a gap longer than that cannot be filled from the events.
 */
const FIRST_LOOK_BACK_MS = 30 * 24 * 3600 * 1000;
const LEASE_MS = 120_000;

export interface ProviderCheckResult {
  /** Payments we had not recorded at all. */
  created: number;
  /** Changes applied to what we had (a debit collected, failed, refunded; a mandate's new state). */
  updated: number;
  /** Providers that did not answer (their check is tried again next time from the same point). */
  failed: ProviderId[];
  checked: ProviderId[];
}

export async function checkProviders(deps: WebhookDeps, organisationId: string, now: Date, since?: Date): Promise<ProviderCheckResult> {
  const { db } = deps;
  const result: ProviderCheckResult = { created: 0, updated: 0, failed: [], checked: [] };
  const connections = await db.providerConnection.findMany({
    where: { organisationId, revokedAt: null },
    select: { provider: true, accountId: true, encryptedToken: true, connectedAt: true },
  });
  for (const connection of connections) {
    if (!isProviderId(connection.provider)) continue;
    const providerId = connection.provider;
    const check = await db.providerCheck.upsert({
      where: { organisationId_provider: { organisationId, provider: providerId } },
      create: { organisationId, provider: providerId },
      update: {},
    });
    const from = since ?? check.lastSuccessAt ?? new Date(Math.max(connection.connectedAt.getTime() - OVERLAP_MS, now.getTime() - FIRST_LOOK_BACK_MS));
    let events: ProviderEvent[];
    try {
      events = await deps.providers
        .get(providerId)
        .listEventsSince({ accountId: connection.accountId, accessToken: decryptSecret(deps.encryptionKey, connection.encryptedToken) }, from);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      deps.log.warn({ provider: providerId, organisationId, error: message }, "provider check failed");
      await db.providerCheck.update({ where: { id: check.id }, data: { lastRunAt: now, lastError: message.slice(0, 500) } });
      result.failed.push(providerId);
      continue;
    }
    const counts = { created: 0, updated: 0 };
    // Oldest first, as the provider made them (the ledger keeps the latest fact whatever the order).
    for (const event of [...events].sort((a, b) => a.createdAt.localeCompare(b.createdAt))) {
      const applied = await applyMissedEvent(deps, providerId, { ...event, accountId: event.accountId || connection.accountId }, organisationId, now);
      if (applied) counts[applied]++;
    }
    await db.providerCheck.update({
      where: { id: check.id },
      data: { lastRunAt: now, lastSuccessAt: new Date(now.getTime() - OVERLAP_MS), lastError: null, newCount: counts.created, updatedCount: counts.updated },
    });
    result.created += counts.created;
    result.updated += counts.updated;
    result.checked.push(providerId);
  }
  // The organisation's own debits (its own creditor identifier) due today are collected now too, not at the next night.
  result.updated += (await collectDueDebits(db, now, deps.log, organisationId)).collected;
  return result;
}

/**
 * Stores an event the provider reported, claimed by us (processing, one attempt), and applies it as the
 * webhook queue would. An event already in the inbox (the webhook came) is left alone. An event whose
 * application fails for a reason that may pass is handed to the webhook queue, which retries it.
 */
async function applyMissedEvent(deps: WebhookDeps, providerId: ProviderId, event: ProviderEvent, organisationId: string, now: Date) {
  const { db } = deps;
  let row: { id: string };
  try {
    row = await db.webhookEvent.create({
      data: {
        provider: providerId,
        eventId: event.id,
        type: event.type.slice(0, 100),
        accountId: event.accountId.slice(0, 100),
        organisationId,
        payload: JSON.stringify(event),
        status: "processing",
        attempts: 1,
        nextAttemptAt: new Date(now.getTime() + LEASE_MS),
        receivedAt: now,
      },
      select: { id: true },
    });
  } catch (error) {
    if (isUniqueViolation(error)) return null; // delivered by its webhook (or found by an earlier check)
    throw error;
  }
  const e = event.event;
  const paymentKey = e.kind === "payment" ? { provider_providerPaymentId: { provider: providerId, providerPaymentId: e.providerPaymentId } } : null;
  const known = paymentKey ? await db.payment.findUnique({ where: paymentKey, select: { id: true } }) : null;
  let recorded = false;
  const fields = (outcome: Outcome) => ({
    status: outcome.status,
    organisationId: outcome.organisationId,
    lastError: outcome.note ?? null,
    processedAt: new Date(),
  });
  const record = async (tx: Tx, outcome: Outcome) => {
    const { count } = await tx.webhookEvent.updateMany({ where: { id: row.id, status: "processing", attempts: 1 }, data: fields(outcome) });
    if (count !== 1) throw new Error("the claim on this event ran out while it was processed; the webhook queue takes it");
    recorded = true;
  };
  let outcome: Outcome;
  try {
    outcome = await handleEvent(deps, providerId, event, now, record);
    if (!recorded) await db.webhookEvent.update({ where: { id: row.id }, data: fields(outcome) });
  } catch (error) {
    // Left to the webhook queue's retries.
    const message = error instanceof Error ? error.message : String(error);
    await db.webhookEvent.updateMany({
      where: { id: row.id, status: "processing", attempts: 1 },
      data: { status: "pending", lastError: message.slice(0, 500), nextAttemptAt: now },
    });
    return null;
  }
  if (outcome.status !== "processed") return null;
  if (paymentKey && !known && (await db.payment.findUnique({ where: paymentKey, select: { id: true } }))) return "created" as const;
  return "updated" as const;
}

/** The organisation's last check per provider, for the page. */
export function lastChecks(db: WebhookDeps["db"], organisationId: string) {
  return db.providerCheck.findMany({ where: { organisationId }, orderBy: { provider: "asc" } });
}

/** The nightly run: every organisation with a connected provider is checked (one failing does not stop the others). */
export function nightlyProviderCheck(deps: WebhookDeps, schedule = "0 3 * * *"): ScheduledJob {
  return {
    name: "provider-check",
    schedule,
    timezone: "Europe/Paris",
    async run(now: Date) {
      const organisations = await deps.db.providerConnection.groupBy({ where: { revokedAt: null }, by: ["organisationId"] });
      for (const { organisationId } of organisations) {
        try {
          await checkProviders(deps, organisationId, now);
        } catch (error) {
          deps.log.error({ organisationId, err: error }, "nightly provider check failed");
        }
      }
    },
  };
}
