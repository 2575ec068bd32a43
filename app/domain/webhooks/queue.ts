import type { WebhookEvent } from "~/generated/zenstack/models";
import type { Db, Tx } from "~/lib/db.server";
import type { ProviderEvent, ProviderId } from "../../../integrations/types";
import { FINISHED, type QueueGroup, type QueueSpec, runDue } from "../queue";
import { PendingNotices } from "../notifications";
import { handleEvent, joinsGroup, type Outcome, type WebhookDeps } from "./handlers";

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
  // The group being run: its events' dependencies, and their outcomes, saved together when it ends.
  let inGroup: { deps: WebhookDeps; outcomes: ClaimedOutcome[] } | null = null;
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
        const pending = new PendingNotices();
        const outcomes: ClaimedOutcome[] = [];
        const savepoint = async <T>(work: (tx: Tx) => Promise<T>) => {
          const [notices, recorded] = [pending.mark(), outcomes.length];
          await tx.$executeRaw`SAVEPOINT event`;
          try {
            const result = await work(tx);
            await tx.$executeRaw`RELEASE event`;
            return result;
          } catch (error) {
            await tx.$executeRaw`ROLLBACK TO event`;
            await tx.$executeRaw`RELEASE event`;
            pending.undo(notices);
            outcomes.splice(recorded);
            throw error;
          }
        };
        // Every read and write of a grouped event goes through the group's transaction.
        inGroup = {
          deps: { ...deps, db: tx as unknown as Db, transact: savepoint, notices: { merchants: new Map(), pending }, connections: new Map() },
          outcomes,
        };
        try {
          await body();
        } finally {
          inGroup = null;
        }
        // The group's notices and outcomes, one statement each (mostly): written before its commit, with it.
        await pending.write(tx);
        await saveOutcomes(tx, outcomes);
      }),
  };
  return runDue(
    deps.db.webhookEvent,
    webhookQueue,
    async (event) => {
      const eventDeps = inGroup?.deps ?? deps;
      const outcomes = inGroup?.outcomes;
      let recorded = false;
      // Handlers that write in a transaction record the event's outcome in it: one commit per event (or group).
      const record = async (tx: Tx, outcome: Outcome) => {
        const claimed = { id: event.id, attempts: event.attempts, outcome };
        if (outcomes) outcomes.push(claimed);
        else await saveOutcomes(tx, [claimed]);
        recorded = true;
      };
      const outcome = await handleEvent(eventDeps, event.provider as ProviderId, parse(event), new Date(), record);
      return recorded ? FINISHED : fieldsOf(outcome);
    },
    { now, log: deps.log, limit, beforeEach: deps.beforeEach, group },
  );
}

type ClaimedOutcome = { id: string; attempts: number; outcome: Outcome };

/**
 * Saves the outcomes of events this worker claimed, one statement per distinct outcome (a group's payments
 * are mostly alike). An event whose claim ran out meanwhile (another worker took it) undoes the whole transaction.
 */
async function saveOutcomes(tx: Tx, claimed: ClaimedOutcome[]) {
  const alike = new Map<string, ClaimedOutcome[]>();
  for (const c of claimed) {
    const key = JSON.stringify(fieldsOf(c.outcome, null));
    const rows = alike.get(key);
    if (rows) rows.push(c);
    else alike.set(key, [c]);
  }
  let saved = 0;
  for (const rows of alike.values()) {
    const { count } = await tx.webhookEvent.updateMany({
      where: { OR: rows.map(({ id, attempts }) => ({ id, attempts, status: webhookQueue.workingStatus })) },
      data: fieldsOf(rows[0].outcome),
    });
    saved += count;
  }
  if (saved !== claimed.length) throw new Error("the claim on an event ran out while it was processed; another worker takes it");
}

const fieldsOf = (outcome: Outcome, processedAt: Date | null = new Date()) => ({
  status: outcome.status,
  organisationId: outcome.organisationId,
  lastError: outcome.note ?? null,
  processedAt,
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
