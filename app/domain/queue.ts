import type { Logger } from "~/lib/logger.server";

/**
 * The one mechanism behind the background queues (webhook events, outgoing emails): rows are claimed one
 * at a time with a conditional update, so any number of worker processes can share a database and never
 * take the same row twice; a claim is a lease, renewed while the work runs, so the work of a worker that
 * died (kill -9, power cut) is taken up by another once the lease runs out; failures are retried with
 * backoff, and given up after `maxAttempts` (or at once for a `PermanentError`).
 */
export interface QueueRow {
  id: string;
  status: string;
  attempts: number;
}

/** What the queue needs of a table: Prisma's model delegates (db.webhookEvent, db.outboxEmail) fit. */
export interface QueueTable<Row extends QueueRow> {
  findMany(args: { where: object; orderBy: object; take: number; select: { id: true } }): Promise<{ id: string }[]>;
  updateManyAndReturn(args: { where: object; data: object }): Promise<Row[]>;
  updateMany(args: { where: object; data: object }): Promise<{ count: number }>;
}

export interface QueueSpec {
  name: string;
  /** The status of a claimed row: "processing", "sending". */
  workingStatus: string;
  maxAttempts: number;
  backoffMs(attempt: number): number;
  /** How long a claim holds without renewal. */
  leaseMs?: number;
  /** Fields written to a row that is given up, besides its status (what it no longer needs to keep). */
  givenUp?: Record<string, unknown>;
}

/** An error retrying cannot fix (a currency that does not match, an event for another merchant): given up at once. */
export class PermanentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PermanentError";
  }
}

const DEFAULT_LEASE_MS = 15_000;
const YIELD_MS = 2;

/**
 * Claims and runs what is due. `work` returns the row's final fields (its done status and anything else);
 * a thrown error schedules a retry. Answers how many rows were done.
 */
export async function runDue<Row extends QueueRow>(
  table: QueueTable<Row>,
  spec: QueueSpec,
  work: (row: Row) => Promise<Record<string, unknown>>,
  deps: { now: Date | (() => Date); log: Logger; limit?: number; beforeEach?: () => Promise<void> },
): Promise<number> {
  const { now: at } = deps;
  const clock = typeof at === "function" ? at : () => at;
  const leaseMs = spec.leaseMs ?? DEFAULT_LEASE_MS;
  const leaseEnd = () => new Date(clock().getTime() + leaseMs);
  const now = clock();
  const due = { status: { in: ["pending", spec.workingStatus] }, nextAttemptAt: { lte: now } };
  const candidates = await table.findMany({ where: due, orderBy: { nextAttemptAt: "asc" }, take: deps.limit ?? 20, select: { id: true } });
  if (!candidates.length) return 0;
  // One statement claims the batch: a row another worker claimed or finished meanwhile no longer matches.
  const claimed = await table.updateManyAndReturn({
    where: { ...due, id: { in: candidates.map((row) => row.id) } },
    data: { status: spec.workingStatus, attempts: { increment: 1 }, nextAttemptAt: leaseEnd() },
  });
  const mine = (row: Row) => ({ id: row.id, status: spec.workingStatus, attempts: row.attempts });
  const unfinished = new Set(claimed);
  const renew = setInterval(() => {
    if (!unfinished.size) return;
    void table.updateMany({ where: { OR: [...unfinished].map(mine) }, data: { nextAttemptAt: leaseEnd() } }).catch(() => {});
  }, leaseMs / 3);
  let done = 0;
  try {
    for (const row of claimed) {
      await deps.beforeEach?.();
      try {
        const result = await work(row);
        await table.updateMany({ where: mine(row), data: result });
        done++;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const giveUp = row.attempts >= spec.maxAttempts || (error instanceof Error && error.name === "PermanentError");
        const retryAt = new Date(clock().getTime() + spec.backoffMs(row.attempts));
        await table.updateMany({
          where: mine(row),
          data: { status: giveUp ? "failed" : "pending", lastError: message.slice(0, 500), nextAttemptAt: retryAt, ...(giveUp ? spec.givenUp : {}) },
        });
        deps.log.warn({ queue: spec.name, rowId: row.id, attempt: row.attempts, giveUp, error: message }, "queued work failed");
      }
      unfinished.delete(row);
      // SQLite has one write lock and no queue for it: a pause between rows lets other processes'
      // writes (webhook deliveries being acknowledged) in, instead of this loop taking the lock back at once.
      await new Promise((resolve) => setTimeout(resolve, YIELD_MS));
    }
  } finally {
    clearInterval(renew);
  }
  return done;
}

/**
 * Runs `pass` every `intervalMs`, and again at once while passes find work (a burst is drained in
 * consecutive passes). Each worker process runs one per queue.
 */
export function startPoller(name: string, pass: () => Promise<number>, log: Logger, intervalMs: number) {
  let running: Promise<void> | null = null;
  let stopped = false;
  const run = () => {
    if (running || stopped) return;
    running = (async () => {
      try {
        while (!stopped && (await pass()) > 0);
      } catch (error) {
        log.error({ err: error, queue: name }, "worker pass failed");
      }
    })().finally(() => {
      running = null;
    });
  };
  const timer = setInterval(run, intervalMs);
  run();
  return {
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
