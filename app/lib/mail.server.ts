import type { ReactElement } from "react";
import type { AppLoadContext } from "react-router";
import { enqueueTemplate } from "~/domain/outbox";

/**
 * Queues a react-email template; the worker process sends it (and retries) from the outbox. An email with a
 * bearer link carries it as `bearerLink` makes it: the placeholder URL in the element, the sealed token in `secret`.
 */
export async function queueEmail(
  context: Pick<AppLoadContext, "db">,
  email: {
    kind: string;
    to: string;
    subject: string;
    element: ReactElement;
    idempotencyKey: string;
    organisationId?: string;
    invoiceId?: string;
    secret?: string;
  },
) {
  return enqueueTemplate(context.db, email);
}
