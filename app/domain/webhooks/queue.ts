import type { Db } from "~/lib/db.server";
import type { ProviderEvent, ProviderId } from "../../../integrations/types";
import { type QueueSpec, runDue } from "../queue";
import { handleEvent, type WebhookDeps } from "./handlers";

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
      const outcome = await handleEvent(deps, event.provider as ProviderId, JSON.parse(event.payload) as ProviderEvent, new Date());
      return { status: outcome.status, organisationId: outcome.organisationId, lastError: outcome.note ?? null, processedAt: new Date() };
    },
    { now, log: deps.log, limit, beforeEach: deps.beforeEach },
  );
}

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
