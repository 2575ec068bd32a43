import type { ReactElement } from "react";
import type { AppLoadContext } from "react-router";
import { enqueueTemplate } from "~/domain/outbox";

/** Queues a react-email template and wakes the outbox, which sends it (and retries) from there. */
export async function queueEmail(
  context: Pick<AppLoadContext, "db" | "kickOutbox">,
  email: { kind: string; to: string; subject: string; element: ReactElement; idempotencyKey: string; organisationId?: string; invoiceId?: string },
) {
  const queued = await enqueueTemplate(context.db, email);
  context.kickOutbox();
  return queued;
}
