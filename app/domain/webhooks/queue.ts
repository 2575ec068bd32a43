import type { Db } from "~/lib/db.server";
import type { ProviderEvent, ProviderId } from "../../../integrations/types";
import { FINISHED, type QueueSpec, runDue } from "../queue";
import { handleEvent, type Outcome, type Tx, type WebhookDeps } from "./handlers";

export const MAX_WEBHOOK_ATTEMPTS = 10;

export function webhookBackoffMs(attempt: number) {
  return Math.min(15_000 * 2 ** (attempt - 1), 60 * 60 * 1000);
}

export const webhookQueue: QueueSpec = { name: "webhooks", workingStatus: "processing", maxAttempts: MAX_WEBHOOK_ATTEMPTS, backoffMs: webhookBackoffMs };

/** Processes the stored events that are due, each in turn through the shared queue. */
export function processDueEvents(deps: WebhookDeps & { beforeEach?: () => Promise<void> }, now: Date | (() => Date) = () => new Date(), limit = 20) {
  return runDue(
    deps.db.webhookEvent,
    webhookQueue,
    async (event) => {
      let recorded = false;
      // Handlers that write in a transaction record the event's outcome in it: one commit per event.
      const record = async (tx: Tx, outcome: Outcome) => {
        const { count } = await tx.webhookEvent.updateMany({
          where: { id: event.id, status: webhookQueue.workingStatus, attempts: event.attempts },
          data: fieldsOf(outcome),
        });
        if (count !== 1) throw new Error("the claim on this event ran out while it was processed; another worker takes it");
        recorded = true;
      };
      const outcome = await handleEvent(deps, event.provider as ProviderId, JSON.parse(event.payload) as ProviderEvent, new Date(), record);
      return recorded ? FINISHED : fieldsOf(outcome);
    },
    { now, log: deps.log, limit, beforeEach: deps.beforeEach },
  );
}

const fieldsOf = (outcome: Outcome) => ({
  status: outcome.status,
  organisationId: outcome.organisationId,
  lastError: outcome.note ?? null,
  processedAt: new Date(),
});

export async function reprocessEvent(db: Db, organisationId: string, id: string, now: Date) {
  const { count } = await db.webhookEvent.updateMany({
    where: { id, organisationId, status: { in: ["failed", "rejected", "ignored", "processed"] } },
    data: { status: "pending", nextAttemptAt: now, attempts: 0 },
  });
  return count === 1;
}

export function listWebhookEvents(db: Db, organisationId: string, take = 100) {
  return db.webhookEvent.findMany({
    where: { organisationId },
    orderBy: { receivedAt: "desc" },
    take,
    select: { id: true, provider: true, eventId: true, type: true, status: true, attempts: true, lastError: true, receivedAt: true, processedAt: true },
  });
}
