import { Cron } from "croner";
import type { Db } from "~/lib/db.server";
import { isUniqueViolation } from "~/lib/db.server";
import type { Logger } from "~/lib/logger.server";

/** A periodic job: `schedule` is a cron expression ("0 2 * * *": every night at 02:00), in `timezone`. */
export interface ScheduledJob {
  name: string;
  schedule: string;
  timezone?: string;
  run(now: Date): Promise<void>;
}

/**
 * Runs each job once per scheduled time, whatever the number of worker processes: the first worker to
 * record the run (job, time) in the database runs it, the others see the row and skip. A slot missed
 * while every worker was down is run once at the next start.
 */
export function startScheduler(db: Db, jobs: ScheduledJob[], log: Logger, tickMs = 30_000) {
  const crons = jobs.map((job) => ({ job, cron: new Cron(job.schedule, { timezone: job.timezone ?? "Europe/Paris", paused: true }) }));
  let running: Promise<void> | null = null;

  async function runSlot(job: ScheduledJob, slot: Date) {
    try {
      await db.scheduledRun.create({ data: { job: job.name, slot } });
    } catch (error) {
      if (isUniqueViolation(error)) return; // another worker has it
      throw error;
    }
    try {
      await job.run(new Date());
      await db.scheduledRun.update({ where: { job_slot: { job: job.name, slot } }, data: { finishedAt: new Date() } });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await db.scheduledRun.update({ where: { job_slot: { job: job.name, slot } }, data: { finishedAt: new Date(), error: message.slice(0, 500) } });
      log.error({ job: job.name, slot, error: message }, "scheduled job failed");
    }
  }

  async function tick() {
    const now = new Date();
    for (const { job, cron } of crons) {
      const last = await db.scheduledRun.findFirst({ where: { job: job.name }, orderBy: { slot: "desc" } });
      // The next slot after the last one run; in the past when workers were down at that time: run it now.
      const due = cron.nextRun(last?.slot ?? cron.previousRuns(1, now)[0] ?? now);
      if (due && due <= now) await runSlot(job, due);
    }
  }

  const timer = setInterval(() => {
    running ??= tick()
      .catch((error) => log.error({ err: error }, "scheduler tick failed"))
      .finally(() => {
        running = null;
      });
  }, tickMs);
  return {
    tick,
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
