import type { ReactElement } from "react";
import { renderEmail } from "../../emails/render";
import type { Db } from "~/lib/db.server";
import { isUniqueViolation } from "~/lib/db.server";
import type { Logger } from "~/lib/logger.server";

export interface OutgoingEmail {
  kind: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  /** Same key, same email: queued once and delivered once, however often the caller asks. */
  idempotencyKey: string;
  organisationId?: string | null;
  invoiceId?: string | null;
}

/** Delivers one email or throws; `idempotencyKey` lets the provider drop a repeat of a send that did go through. */
export interface EmailTransport {
  readonly name: string;
  send(email: OutgoingEmail & { from: string }): Promise<{ messageId: string }>;
}

export const MAX_EMAIL_ATTEMPTS = 8;
/** A row left "sending" by a crash is picked up again after this long. */
const STALE_SENDING_MS = 5 * 60 * 1000;

export function backoffMs(attempt: number): number {
  return Math.min(30_000 * 2 ** (attempt - 1), 6 * 60 * 60 * 1000);
}

export async function enqueueEmail(db: Db, email: OutgoingEmail) {
  try {
    return await db.outboxEmail.create({
      data: {
        kind: email.kind,
        toAddress: email.to,
        subject: email.subject,
        html: email.html,
        text: email.text,
        idempotencyKey: email.idempotencyKey,
        organisationId: email.organisationId ?? null,
        invoiceId: email.invoiceId ?? null,
      },
    });
  } catch (error) {
    if (isUniqueViolation(error)) return db.outboxEmail.findUniqueOrThrow({ where: { idempotencyKey: email.idempotencyKey } });
    throw error;
  }
}

/** Renders a react-email template (HTML and plain text) into the outbox. */
export async function enqueueTemplate(db: Db, email: Omit<OutgoingEmail, "html" | "text"> & { element: ReactElement }) {
  const { element, ...rest } = email;
  return enqueueEmail(db, { ...rest, ...(await renderEmail(element)) });
}

/** Sends what is due. Each row is claimed before sending so two workers never send the same email. */
export async function deliverDueEmails(deps: { db: Db; transport: EmailTransport; from: string; log: Logger }, now: Date, limit = 20) {
  const { db, transport, from, log } = deps;
  const due = await db.outboxEmail.findMany({
    where: {
      OR: [
        { status: "pending", nextAttemptAt: { lte: now } },
        { status: "sending", nextAttemptAt: { lte: new Date(now.getTime() - STALE_SENDING_MS) } },
      ],
    },
    orderBy: { nextAttemptAt: "asc" },
    take: limit,
  });
  let sent = 0;
  for (const email of due) {
    const claim = await db.outboxEmail.updateMany({
      where: { id: email.id, status: email.status, attempts: email.attempts },
      data: { status: "sending", attempts: { increment: 1 }, nextAttemptAt: now },
    });
    if (claim.count !== 1) continue;
    const attempt = email.attempts + 1;
    try {
      const { messageId } = await transport.send({
        kind: email.kind,
        to: email.toAddress,
        subject: email.subject,
        html: email.html,
        text: email.text,
        idempotencyKey: email.idempotencyKey,
        from,
      });
      await db.outboxEmail.update({ where: { id: email.id }, data: { status: "sent", sentAt: new Date(), providerMessageId: messageId, lastError: null } });
      sent++;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const giveUp = attempt >= MAX_EMAIL_ATTEMPTS;
      await db.outboxEmail.update({
        where: { id: email.id },
        data: { status: giveUp ? "failed" : "pending", lastError: message.slice(0, 500), nextAttemptAt: new Date(now.getTime() + backoffMs(attempt)) },
      });
      log.warn({ emailId: email.id, kind: email.kind, attempt, giveUp, error: message }, "email delivery failed");
    }
  }
  return sent;
}

/** The embedded default: emails are "delivered" to the local mailbox page (/mailbox). */
export const localMailboxTransport: EmailTransport = {
  name: "mailbox",
  async send(email) {
    return { messageId: `mailbox:${email.idempotencyKey}` };
  },
};

/**
 * The local mailbox (offline sandbox only, on a loopback APP_URL): every tenant's emails, newest first.
 * Not scoped to an organisation on purpose; the route refuses to exist unless the mailbox is enabled.
 */
export function listMailbox(db: Db, limit = 100) {
  return db.outboxEmail.findMany({
    orderBy: { createdAt: "desc" },
    take: limit,
    select: { id: true, toAddress: true, subject: true, status: true, createdAt: true },
  });
}

export function getMailboxEmail(db: Db, id: string) {
  return db.outboxEmail.findUnique({ where: { id } });
}
