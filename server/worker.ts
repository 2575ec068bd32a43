import type { Logger } from "~/lib/logger.server";

/**
 * Runs `pass` every `intervalMs`, and right away when kicked (kicks during a pass coalesce into one
 * more pass). Work is claimed row by row in the database, so several instances can run this safely.
 */
export function startPoller(name: string, pass: () => Promise<unknown>, log: Logger, intervalMs = 5000) {
  let running: Promise<void> | null = null;
  let again = false;
  const run = () => {
    if (running) {
      again = true;
      return;
    }
    running = pass()
      .then(() => undefined)
      .catch((error) => log.error({ err: error, worker: name }, "worker pass failed"))
      .finally(() => {
        running = null;
        if (again) {
          again = false;
          run();
        }
      });
  };
  const timer = setInterval(run, intervalMs);
  timer.unref();
  return { kick: run, stop: () => clearInterval(timer), idle: () => running ?? Promise.resolve() };
}
