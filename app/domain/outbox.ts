import type { ReactElement } from "react";
import { renderEmail } from "../../emails/render";
import { renderStoredTemplate, type StoredTemplate } from "../../emails/templates";
import { decryptSecret, encryptSecret } from "~/lib/crypto.server";
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
  /** The sealed token of the email's bearer link, which the body holds as BEARER_TOKEN (see `bearerLink`). */
  secret?: string | null;
}

/**
 * What stands for the token of a bearer link (reset, sign-up, invitation, consultation) in a queued email: the
 * link is never stored in clear. URL-safe, so it goes through rendering (HTML and text) unchanged.
 */
export const BEARER_TOKEN = "BEARERTOKEN0sealed0until0sent";

/** A bearer link for an email: its URL with the placeholder, and the token sealed for the outbox's `secret`. */
export function bearerLink(encryptionKey: string, prefix: string, token: string) {
  return { url: `${prefix}${BEARER_TOKEN}`, secret: encryptSecret(encryptionKey, token) };
}

/** Links to /i/…, /reset-password/…, /invitation/…, /signup/… (written before links were sealed) lose their token. */
const CLEAR_BEARER_LINK = /(\/(?:i|reset-password|invitation|signup)\/)[\w-]{20,}/g;
/** The body kept for the log once an email is sent: no token, sealed or not. */
function withoutBearerLinks(text: string) {
  return text.replaceAll(BEARER_TOKEN, "[redacted]").replace(CLEAR_BEARER_LINK, "$1[redacted]");
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
        secret: email.secret ?? null,
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

/** The email's HTML and text as stored: rendered now if it was queued as a template; a bearer link still a placeholder. */
async function bodyOf(email: { html: string; text: string; template: string | null }) {
  return email.template && !email.html ? renderStoredTemplate(email.template) : { html: email.html, text: email.text };
}

/** The body as it is sent: the bearer link's token put in. */
function withToken(body: { html: string; text: string }, secret: string | null, encryptionKey: string) {
  if (!secret) return body;
  const token = decryptSecret(encryptionKey, secret);
  return { html: body.html.replaceAll(BEARER_TOKEN, token), text: body.text.replaceAll(BEARER_TOKEN, token) };
}

/** Renders a react-email template (HTML and plain text) into the outbox; a bearer link in it comes from `bearerLink`. */
export async function enqueueTemplate(db: Db, email: Omit<OutgoingEmail, "html" | "text"> & { element: ReactElement }) {
  const { element, ...rest } = email;
  return enqueueEmail(db, { ...rest, ...(await renderEmail(element)) });
}

export const outboxQueue: QueueSpec = {
  name: "outbox",
  workingStatus: "sending",
  maxAttempts: MAX_EMAIL_ATTEMPTS,
  backoffMs,
  // An email given up will never be sent: its link's token goes (the body only ever held the placeholder).
  givenUp: { secret: null },
};

/**
 * Sends what is due, through the shared queue: each email is claimed before sending, so it goes once.
 * What stays of a sent email is its log (recipient, subject, status) and its body without any bearer link.
 */
export function deliverDueEmails(
  deps: { db: Db; transport: EmailTransport; from: string; log: Logger; encryptionKey: string; beforeEach?: () => Promise<void> },
  now: Date | (() => Date) = () => new Date(),
  limit = 20,
) {
  const { db, transport, from } = deps;
  return runDue(
    db.outboxEmail,
    outboxQueue,
    async (email) => {
      const body = await bodyOf(email);
      const content = withToken(body, email.secret, deps.encryptionKey);
      const { messageId } = await transport.send({
        kind: email.kind,
        to: email.toAddress,
        subject: email.subject,
        ...content,
        idempotencyKey: email.idempotencyKey,
        from,
      });
      return {
        status: "sent",
        sentAt: new Date(),
        providerMessageId: messageId,
        lastError: null,
        html: withoutBearerLinks(body.html),
        text: withoutBearerLinks(body.text),
        template: null,
        secret: null,
      };
    },
    { now, log: deps.log, limit, beforeEach: deps.beforeEach },
  );
}

/**
 * The embedded default, without an email provider: emails are "delivered" to the local mailbox page
 * (/mailbox), kept as their recipient would read them, links included, so sealed with the encryption key.
 */
export function localMailboxTransport(db: Db, encryptionKey: string): EmailTransport {
  return {
    name: "mailbox",
    async send(email) {
      const sealed = encryptSecret(encryptionKey, JSON.stringify({ html: email.html, text: email.text }));
      const message = await db.mailboxMessage.upsert({
        where: { idempotencyKey: email.idempotencyKey },
        create: { idempotencyKey: email.idempotencyKey, toAddress: email.to, subject: email.subject, sealed },
        update: {},
      });
      return { messageId: `mailbox:${message.id}` };
    },
  };
}

/**
 * The local mailbox (offline sandbox only, on a loopback APP_URL): every tenant's emails, newest first.
 * Not scoped to an organisation on purpose; the route refuses to exist unless the mailbox is enabled.
 */
export function listMailbox(db: Db, limit = 100) {
  return db.mailboxMessage.findMany({
    orderBy: { createdAt: "desc" },
    take: limit,
    select: { id: true, toAddress: true, subject: true, createdAt: true },
  });
}

export async function getMailboxEmail(db: Db, encryptionKey: string, id: string) {
  const message = await db.mailboxMessage.findUnique({ where: { id } });
  if (!message) return null;
  const { html, text } = JSON.parse(decryptSecret(encryptionKey, message.sealed)) as { html: string; text: string };
  return { id: message.id, toAddress: message.toAddress, subject: message.subject, createdAt: message.createdAt, html, text };
}
