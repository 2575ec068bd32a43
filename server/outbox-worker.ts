import { deliverDueEmails, type EmailTransport } from "~/domain/outbox";
import type { Db } from "~/lib/db.server";
import type { Logger } from "~/lib/logger.server";

/** Polls the outbox; `kick` runs a pass right away (coalesced) after something was queued. */
export function startOutboxWorker(deps: { db: Db; transport: EmailTransport; from: string; log: Logger }, intervalMs = 5000) {
  let running: Promise<void> | null = null;
  let again = false;
  const pass = () => {
    if (running) {
      again = true;
      return;
    }
    running = deliverDueEmails(deps, new Date())
      .then(() => undefined)
      .catch((error) => deps.log.error({ err: error }, "outbox pass failed"))
      .finally(() => {
        running = null;
        if (again) {
          again = false;
          pass();
        }
      });
  };
  const timer = setInterval(pass, intervalMs);
  timer.unref();
  return { kick: pass, stop: () => clearInterval(timer), idle: () => running ?? Promise.resolve() };
}
