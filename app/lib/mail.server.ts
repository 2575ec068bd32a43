import type { ReactElement } from "react";
import type { AppLoadContext } from "react-router";
import { renderEmail } from "../../emails/render";
import { enqueueEmail } from "~/domain/outbox";

/** Renders a react-email template into the outbox; the delivery worker sends it (and retries) from there. */
export async function queueEmail(
  context: Pick<AppLoadContext, "db" | "kickOutbox">,
  email: { kind: string; to: string; subject: string; element: ReactElement; idempotencyKey: string; organisationId?: string; invoiceId?: string },
) {
  const { html, text } = await renderEmail(email.element);
  const queued = await enqueueEmail(context.db, { ...email, html, text });
  context.kickOutbox();
  return queued;
}
