import type { AppLoadContext } from "react-router";
import { localMailboxTransport } from "~/domain/outbox";
import { createSmsSender, type SmsSender } from "../../integrations/sms";

/**
 * The SMS sender for this request: Twilio when configured; else, offline on a loopback address, the local
 * mailbox (/mailbox), where the text message is "delivered" under the phone number; else none.
 */
export function smsSender(context: Pick<AppLoadContext, "db" | "config">): SmsSender | null {
  const mailbox = localMailboxTransport(context.db, context.config.ENCRYPTION_KEY);
  return createSmsSender(context.config, async (message) => {
    const { messageId } = await mailbox.send({ ...message, kind: "sms", html: `<pre>${escapeHtml(message.text)}</pre>`, from: "SMS" });
    return { id: messageId };
  });
}

const escapeHtml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
