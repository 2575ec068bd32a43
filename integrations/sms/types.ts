/** One text message: the app's only use is a mandate's verification code. */
export interface SmsMessage {
  /** E.164 (+33612345678). */
  to: string;
  body: string;
}

/** Sends a text message or throws an SmsError; never logs the body (it carries a code). */
export interface SmsSender {
  readonly name: "twilio" | "sandbox";
  send(message: SmsMessage): Promise<{ messageId: string }>;
}

export class SmsError extends Error {
  constructor(
    readonly kind: "rejected" | "unavailable",
    message: string,
  ) {
    super(message);
    this.name = "SmsError";
  }
}

/**
 * A French or international mobile number in E.164, or null. "06 12 34 56 78" and "+33 6 12 34 56 78" are
 * the same number; only French mobiles (06, 07) are accepted without a country code.
 */
export function normalisePhone(input: string): string | null {
  const compact = input.replace(/[\s.\-()]/g, "");
  if (/^0[67]\d{8}$/.test(compact)) return `+33${compact.slice(1)}`;
  if (/^\+[1-9]\d{7,14}$/.test(compact)) return compact;
  if (/^00[1-9]\d{7,14}$/.test(compact)) return `+${compact.slice(2)}`;
  return null;
}

/** "+33 6 •• •• •• 78": enough for the customer to recognise their number, not enough to read it. */
export function maskPhone(phone: string): string {
  const start = phone.startsWith("+33") ? `+33 ${phone.charAt(3)}` : phone.slice(0, 3);
  return `${start} •• •• •• ${phone.slice(-2)}`;
}
