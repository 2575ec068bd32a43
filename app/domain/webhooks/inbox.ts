import { createHash, randomUUID } from "node:crypto";
import type { Db, RowWriter } from "~/lib/db.server";
import type { ProviderEvent, ProviderId } from "../../../integrations/types";

export interface Delivery {
  provider: ProviderId;
  events: ProviderEvent[];
}

type StoreResult = { stored: number; duplicates: number };

const INSERT_EVENT = `INSERT OR IGNORE INTO "WebhookEvent" ("id", "provider", "eventId", "type", "accountId", "payload", "status", "attempts", "nextAttemptAt", "receivedAt")
  VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?)`;

/**
 * An event id seen again with a different body is not the provider retrying: the second body is kept
 * beside the first, as a conflict the merchant can see in the webhook log, and is never processed.
 * One row per distinct body (its hash is in the row's event id).
 */
const INSERT_CONFLICT = `INSERT OR IGNORE INTO "WebhookEvent" ("id", "provider", "eventId", "type", "accountId", "organisationId", "payload", "status", "attempts", "lastError", "nextAttemptAt", "receivedAt", "processedAt")
  SELECT ?, ?, ? || '~conflict~' || ?, ?, ?,
    (SELECT "organisationId" FROM "ProviderConnection" WHERE "provider" = ?2 AND "accountId" = ?6),
    ?, 'conflict', 0, 'event id already received with a different body', ?, ?, ?
  WHERE EXISTS (SELECT 1 FROM "WebhookEvent" WHERE "provider" = ?2 AND "eventId" = ?3 AND "payload" <> ?7)`;

/**
 * Stores each event once (unique by provider and event id) before anything else happens, so the
 * delivery can be acknowledged at once and nothing is lost if processing fails later. Several
 * deliveries are written together; each learns how many of its events were new.
 */
export async function storeDeliveries(writeRows: RowWriter, deliveries: Delivery[], now: Date): Promise<StoreResult[]> {
  const at = now.toISOString();
  const changes = await writeRows(
    INSERT_EVENT,
    deliveries.flatMap(({ provider, events }) =>
      events.map((event) => [randomUUID(), provider, event.id, event.type.slice(0, 100), event.accountId.slice(0, 100), JSON.stringify(event), at, at]),
    ),
  );
  const seenBefore = deliveries.flatMap(({ provider, events }) => events.map((event) => ({ provider, event }))).filter((_, i) => changes[i] !== 1);
  if (seenBefore.length) {
    await writeRows(
      INSERT_CONFLICT,
      seenBefore.map(({ provider, event }) => {
        const payload = JSON.stringify(event);
        const hash = createHash("sha256").update(payload).digest("hex").slice(0, 16);
        return [randomUUID(), provider, event.id, hash, event.type.slice(0, 100), event.accountId.slice(0, 100), payload, at, at, at];
      }),
    );
  }
  let row = 0;
  return deliveries.map(({ events }) => {
    const stored = events.filter(() => changes[row++] === 1).length;
    return { stored, duplicates: events.length - stored };
  });
}

/**
 * Group commit: deliveries that arrive while a write is under way are stored together by the next
 * one, so a burst costs one disk sync per batch instead of one per delivery.
 */
export function createEventInbox(writeRows: RowWriter, maxEventsPerWrite = 500) {
  type Waiting = Delivery & { resolve: (result: Promise<StoreResult>) => void };
  const queue: Waiting[] = [];
  let writing = false;
  const drain = async () => {
    while (queue.length) {
      let events = 0;
      const over = queue.findIndex((waiting) => (events += waiting.events.length) > maxEventsPerWrite);
      const batch = queue.splice(0, over === -1 ? queue.length : Math.max(over, 1));
      const results = storeDeliveries(writeRows, batch, new Date());
      batch.forEach((waiting, i) => {
        waiting.resolve(results.then((each) => each[i]));
      });
      await results.catch(() => {}); // each delivery of the batch is answered with the error
    }
    writing = false;
  };
  return {
    store(delivery: Delivery) {
      return new Promise<StoreResult>((resolve) => {
        queue.push({ ...delivery, resolve });
        // Started on the next turn: deliveries read in this one join the same write.
        if (!writing) {
          writing = true;
          setImmediate(drain);
        }
      });
    },
  };
}

export type EventInbox = ReturnType<typeof createEventInbox>;

/** When the newest delivery was stored (rows are read in insertion order), or null when there is none. */
export async function lastDeliveryAt(db: Db): Promise<Date | null> {
  const [row] = await db.$queryRawUnsafe<{ receivedAt: Date | string }[]>(`SELECT "receivedAt" FROM "WebhookEvent" ORDER BY rowid DESC LIMIT 1`);
  return row ? new Date(row.receivedAt) : null;
}
