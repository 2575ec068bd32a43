import type { Logger } from "~/lib/logger.server";

/**
 * The one mechanism behind the background queues (webhook events, outgoing emails): rows are claimed one
 * at a time with a conditional update, so any number of worker processes can share a database and never
 * take the same row twice; a claim is a lease, renewed while the work runs, so the work of a worker that
 * died (kill -9, power cut) is taken up by another once the lease runs out; failures are retried with
 * backoff, and given up after `maxAttempts` ("failed"), or at once for a `PermanentError` ("rejected", with its reason).
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

/**
 * Returned by work that recorded its row's outcome itself, inside the transaction that did the work (one
 * commit instead of two; and work whose claim was lost meanwhile rolls back instead of landing twice).
 */
export const FINISHED = Symbol("finished");

const DEFAULT_LEASE_MS = 15_000;
/** SQLite has one write lock and no queue for it: after this long of back-to-back work, a pause lets other processes' writes in. */
const WORK_BEFORE_PAUSE_MS = 20;
const PAUSE_MS = 2;

/**
 * Rows whose work can share one transaction (several events, one commit: decision 0012). `transaction`
 * runs `body` inside one transaction; the work of each row in it must keep its own writes apart (a
 * savepoint), so one row's failure undoes only its own. A row's own final fields are saved after the commit.
 */
export interface QueueGroup<Row> {
  joins(row: Row): boolean;
  /** How long a group may hold the write lock (default: the work done between two pauses). */
  maxMs?: number;
  transaction(body: () => Promise<void>): Promise<void>;
}

type Result = Record<string, unknown> | typeof FINISHED;

/**
 * Claims and runs what is due. `work` returns the row's final fields (its done status and anything else),
 * or FINISHED when it saved them itself; a thrown error schedules a retry. Answers how many rows were done.
 */
export async function runDue<Row extends QueueRow>(
  table: QueueTable<Row>,
  spec: QueueSpec,
  work: (row: Row) => Promise<Result>,
  deps: { now: Date | (() => Date); log: Logger; limit?: number; beforeEach?: () => Promise<void>; group?: QueueGroup<Row> },
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
  const settle = async (row: Row, outcome: { result: Result } | { error: unknown }) => {
    if ("result" in outcome) {
      if (outcome.result !== FINISHED) await table.updateMany({ where: mine(row), data: outcome.result });
      done++;
    } else {
      const { error } = outcome;
      const message = error instanceof Error ? error.message : String(error);
      const permanent = error instanceof Error && error.name === "PermanentError";
      const giveUp = permanent || row.attempts >= spec.maxAttempts;
      const retryAt = new Date(clock().getTime() + spec.backoffMs(row.attempts));
      const status = permanent ? "rejected" : giveUp ? "failed" : "pending";
      await table.updateMany({
        where: mine(row),
        data: { status, lastError: message.slice(0, 500), nextAttemptAt: retryAt, ...(giveUp ? spec.givenUp : {}) },
      });
      deps.log.warn({ queue: spec.name, rowId: row.id, attempt: row.attempts, giveUp, error: message }, "queued work failed");
    }
    unfinished.delete(row);
  };
  type Outcome = { result: Result } | { error: unknown };
  const attempt = (row: Row): Promise<Outcome> =>
    work(row).then(
      (result) => ({ result }),
      (error: unknown) => ({ error }),
    );
  let workingSince = performance.now();
  const pauseIfDue = async () => {
    // Other processes' writers (webhook deliveries being acknowledged) retry the lock every few
    // milliseconds: a pause now and then lets them in, instead of this loop taking the lock back at once.
    if (performance.now() - workingSince >= WORK_BEFORE_PAUSE_MS) {
      await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
      workingSince = performance.now();
    }
  };
  try {
    for (let next = 0; next < claimed.length; ) {
      await deps.beforeEach?.();
      const { group } = deps;
      if (!group?.joins(claimed[next])) {
        const row = claimed[next++];
        await settle(row, await attempt(row));
        await pauseIfDue();
        continue;
      }
      // Rows that join run back to back in one transaction, for as long as the others' writers can wait (the
      // same bound as between pauses); each row's outcome is saved once that transaction has committed.
      const outcomes = new Map<Row, Outcome>();
      try {
        await group.transaction(async () => {
          do {
            const row = claimed[next++];
            outcomes.set(row, await attempt(row));
          } while (next < claimed.length && group.joins(claimed[next]) && performance.now() - workingSince < (group.maxMs ?? WORK_BEFORE_PAUSE_MS));
        });
      } catch (error) {
        // Nothing of the group was saved: every row of it is retried.
        for (const row of outcomes.keys()) outcomes.set(row, { error });
      }
      for (const [row, outcome] of outcomes) await settle(row, outcome);
      await pauseIfDue();
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
