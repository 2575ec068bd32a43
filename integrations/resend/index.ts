import { Resend } from "resend";
import type { EmailTransport } from "~/domain/outbox";

/**
 * Delivery through Resend. The SDK never throws on API or network errors, it returns them:
 * they are turned into exceptions here so the outbox schedules a retry.
 */
export function resendTransport(apiKey: string, options: { baseUrl?: string } = {}): EmailTransport {
  const resend = new Resend(apiKey, options.baseUrl ? { baseUrl: options.baseUrl } : undefined);
  return {
    name: "resend",
    async send(email) {
      const { data, error } = await resend.emails.send(
        { from: email.from, to: email.to, subject: email.subject, html: email.html, text: email.text, tags: [{ name: "kind", value: email.kind }] },
        { idempotencyKey: email.idempotencyKey.slice(0, 256) },
      );
      if (error || !data) throw new Error(`resend: ${error?.name ?? "no_data"}: ${error?.message ?? "empty answer"}`);
      return { messageId: data.id };
    },
  };
}
