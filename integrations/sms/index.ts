import { type SandboxInbox, sandboxSms } from "./sandbox";
import { twilioSms } from "./twilio";
import type { SmsSender } from "./types";

export * from "./types";
export type { SandboxInbox };

/**
 * The SMS sender for this configuration: Twilio when an account is configured, else the offline sandbox
 * (the local mailbox) where the local mailbox is on, else none (the code is then offered by email only).
 */
export function createSmsSender(
  config: { TWILIO_ACCOUNT_SID?: string; TWILIO_AUTH_TOKEN?: string; TWILIO_FROM?: string; localMailbox: boolean },
  inbox: SandboxInbox,
): SmsSender | null {
  if (config.TWILIO_ACCOUNT_SID && config.TWILIO_AUTH_TOKEN && config.TWILIO_FROM) {
    return twilioSms({ accountSid: config.TWILIO_ACCOUNT_SID, authToken: config.TWILIO_AUTH_TOKEN, from: config.TWILIO_FROM });
  }
  return config.localMailbox ? sandboxSms(inbox) : null;
}
