import { SmsError, type SmsMessage, type SmsSender } from "./types";

export interface TwilioSettings {
  accountSid: string;
  authToken: string;
  /** A phone number, a Messaging Service SID (MG…) or an alphanumeric sender id. */
  from: string;
}

/** The part of Twilio's official Node SDK (npm `twilio`) used here. */
interface TwilioClient {
  messages: {
    create(params: { to: string; body: string; from?: string; messagingServiceSid?: string }): Promise<{ sid: string }>;
  };
}
type TwilioFactory = (accountSid: string, authToken: string, options?: { timeout?: number; autoRetry?: boolean; maxRetries?: number }) => TwilioClient;

/** The SDK's package name: loaded when a Twilio account is configured (docs/decisions/0017-sms-through-twilio.md). */
const TWILIO_PACKAGE = "twilio";
let factory: Promise<TwilioFactory> | undefined;
async function loadTwilio(): Promise<TwilioFactory> {
  factory ??= import(/* @vite-ignore */ TWILIO_PACKAGE).then((module: { default: TwilioFactory }) => module.default);
  return factory;
}

/** Text messages through Twilio's Programmable Messaging API, with Twilio's official SDK. */
export function twilioSms(settings: TwilioSettings): SmsSender {
  let client: TwilioClient | undefined;
  return {
    name: "twilio",
    async send(message: SmsMessage) {
      try {
        client ??= (await loadTwilio())(settings.accountSid, settings.authToken, { timeout: 10_000, autoRetry: true, maxRetries: 2 });
        const sender = settings.from.startsWith("MG") ? { messagingServiceSid: settings.from } : { from: settings.from };
        const created = await client.messages.create({ to: message.to, body: message.body, ...sender });
        return { messageId: created.sid };
      } catch (error) {
        // Twilio's RestException carries the HTTP status; 4xx (a number it refuses) is not worth retrying.
        const status = (error as { status?: number }).status;
        throw new SmsError(typeof status === "number" && status < 500 ? "rejected" : "unavailable", error instanceof Error ? error.message : String(error));
      }
    },
  };
}
