import type { WebhookEvent } from "~/generated/zenstack/models";
import type { Db } from "~/lib/db.server";
import type { ProviderEvent, ProviderId } from "../../../integrations/types";
import { FINISHED, type QueueGroup, type QueueSpec, runDue } from "../queue";
import { handleEvent, joinsGroup, type Outcome, type Tx, type WebhookDeps } from "./handlers";

export const MAX_WEBHOOK_ATTEMPTS = 10;

export function webhookBackoffMs(attempt: number) {
  return Math.min(15_000 * 2 ** (attempt - 1), 60 * 60 * 1000);
}

/** How long one group of events may hold the write lock. */
const GROUP_MS = 40;

export const webhookQueue: QueueSpec = { name: "webhooks", workingStatus: "processing", maxAttempts: MAX_WEBHOOK_ATTEMPTS, backoffMs: webhookBackoffMs };

/**
 * Processes the stored events that are due, each in turn through the shared queue. Consecutive events that
 * need nothing outside the database (`joinsGroup`: payments, refunds, disputes carrying their facts) share
 * one transaction, each behind its own savepoint: one commit for several events, and one event's error
 * undoes only its own writes (decision 0012).
 */
export function processDueEvents(deps: WebhookDeps & { beforeEach?: () => Promise<void> }, now: Date | (() => Date) = () => new Date(), limit = 50) {
  const parsed = new Map<string, ProviderEvent>();
  const parse = (row: { id: string; payload: string }) => {
    let event = parsed.get(row.id);
    if (!event) parsed.set(row.id, (event = JSON.parse(row.payload) as ProviderEvent));
    return event;
  };
  let inGroup: WebhookDeps | null = null;
  const group: QueueGroup<WebhookEvent> = {
    joins: (row) => {
      try {
        return joinsGroup(parse(row));
      } catch {
        return false; // an unreadable payload fails alone, in its own work
      }
    },
    // Deliveries wait for the lock at most this long (their p99 target is 50 ms); the worker gives them way between groups.
    maxMs: GROUP_MS,
    transaction: (body) =>
      deps.db.$transaction(async (tx) => {
        const savepoint = async <T>(work: (tx: Tx) => Promise<T>) => {
          await tx.$executeRaw`SAVEPOINT event`;
          try {
            const result = await work(tx);
            await tx.$executeRaw`RELEASE event`;
            return result;
          } catch (error) {
            await tx.$executeRaw`ROLLBACK TO event`;
            await tx.$executeRaw`RELEASE event`;
            throw error;
          }
        };
        // Every read and write of a grouped event goes through the group's transaction.
        inGroup = { ...deps, db: tx as unknown as Db, transact: savepoint, notices: { contacts: new Map() }, connections: new Map() };
        try {
          await body();
        } finally {
          inGroup = null;
        }
      }),
  };
  return runDue(
    deps.db.webhookEvent,
    webhookQueue,
    async (event) => {
      const eventDeps = inGroup ?? deps;
      let recorded = false;
      // Handlers that write in a transaction record the event's outcome in it: one commit per event (or group).
      const record = async (tx: Tx, outcome: Outcome) => {
        const { count } = await tx.webhookEvent.updateMany({
          where: { id: event.id, status: webhookQueue.workingStatus, attempts: event.attempts },
          data: fieldsOf(outcome),
        });
        if (count !== 1) throw new Error("the claim on this event ran out while it was processed; another worker takes it");
        recorded = true;
      };
      const outcome = await handleEvent(eventDeps, event.provider as ProviderId, parse(event), new Date(), record);
      return recorded ? FINISHED : fieldsOf(outcome);
    },
    { now, log: deps.log, limit, beforeEach: deps.beforeEach, group },
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
