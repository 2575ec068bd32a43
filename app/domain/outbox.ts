import type { ReactElement } from "react";
import { renderEmail } from "../../emails/render";
import { renderStoredTemplate, type StoredTemplate } from "../../emails/templates";
import type { Db } from "~/lib/db.server";
import { isUniqueViolation } from "~/lib/db.server";
import type { Logger } from "~/lib/logger.server";
import { type QueueSpec, runDue } from "./queue";

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
  /** Set instead of html/text: a stored template, rendered at delivery (see enqueueStoredTemplate). */
  template?: string | null;
}

/** Delivers one email or throws; `idempotencyKey` lets the provider drop a repeat of a send that did go through. */
export interface EmailTransport {
  readonly name: string;
  send(email: OutgoingEmail & { from: string }): Promise<{ messageId: string }>;
}

export const MAX_EMAIL_ATTEMPTS = 8;

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
        template: email.template ?? null,
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

/**
 * Queues a template with its props, rendered by the worker when it delivers the email: for emails queued
 * inside a transaction (payment notices), which must not render while holding the write lock.
 */
export async function enqueueStoredTemplate(db: Db, email: Omit<OutgoingEmail, "html" | "text" | "template"> & { template: StoredTemplate }) {
  const { template, ...rest } = email;
  return enqueueEmail(db, { ...rest, html: "", text: "", template: JSON.stringify(template) });
}

/**
 * Queues several stored templates in one statement, inside the caller's transaction (payment notices).
 * Their keys are new by construction there: the notice they belong to was not recorded before.
 */
export async function enqueueStoredTemplates(db: Db, emails: (Omit<OutgoingEmail, "html" | "text" | "template"> & { template: StoredTemplate })[]) {
  if (!emails.length) return;
  await db.outboxEmail.createMany({
    data: emails.map(({ template, to, ...email }) => ({
      ...email,
      toAddress: to,
      html: "",
      text: "",
      template: JSON.stringify(template),
      organisationId: email.organisationId ?? null,
      invoiceId: email.invoiceId ?? null,
    })),
  });
}

/** The email's HTML and text, rendered now if it was queued as a template. */
export async function contentOf(email: { html: string; text: string; template: string | null }) {
  return email.template && !email.html ? renderStoredTemplate(email.template) : { html: email.html, text: email.text };
}

/** Renders a react-email template (HTML and plain text) into the outbox. */
export async function enqueueTemplate(db: Db, email: Omit<OutgoingEmail, "html" | "text"> & { element: ReactElement }) {
  const { element, ...rest } = email;
  return enqueueEmail(db, { ...rest, ...(await renderEmail(element)) });
}

export const outboxQueue: QueueSpec = { name: "outbox", workingStatus: "sending", maxAttempts: MAX_EMAIL_ATTEMPTS, backoffMs };

/** Sends what is due, through the shared queue: each email is claimed before sending, so it goes once. */
export function deliverDueEmails(
  deps: { db: Db; transport: EmailTransport; from: string; log: Logger; beforeEach?: () => Promise<void> },
  now: Date | (() => Date) = () => new Date(),
  limit = 20,
) {
  const { db, transport, from } = deps;
  return runDue(
    db.outboxEmail,
    outboxQueue,
    async (email) => {
      const content = await contentOf(email);
      const { messageId } = await transport.send({
        kind: email.kind,
        to: email.toAddress,
        subject: email.subject,
        ...content,
        idempotencyKey: email.idempotencyKey,
        from,
      });
      return { status: "sent", sentAt: new Date(), providerMessageId: messageId, lastError: null, ...content, template: null };
    },
    { now, log: deps.log, limit, beforeEach: deps.beforeEach },
  );
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

export async function getMailboxEmail(db: Db, id: string) {
  const email = await db.outboxEmail.findUnique({ where: { id } });
  return email && { ...email, ...(await contentOf(email)) };
}
