import type { SmsMessage, SmsSender } from "./types";

/** Where the offline sandbox puts a text message: the local mailbox, under the phone number. */
export type SandboxInbox = (message: { to: string; subject: string; text: string; idempotencyKey: string }) => Promise<{ id: string }>;

/**
 * No SMS provider configured and the app on a loopback address: each message goes to the local mailbox
 * (/mailbox), addressed to the phone number, so the whole signing flow works with no network.
 */
export function sandboxSms(inbox: SandboxInbox): SmsSender {
  let sent = 0;
  return {
    name: "sandbox",
    async send(message: SmsMessage) {
      const key = `sms-${Date.now()}-${++sent}-${Math.random().toString(36).slice(2)}`;
      const { id } = await inbox({ to: message.to, subject: `SMS ${message.to}`, text: message.body, idempotencyKey: key });
      return { messageId: `sandbox-sms:${id}` };
    },
  };
}
