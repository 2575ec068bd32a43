import { fr } from "~/i18n/fr";

/** The first segments of the catalogue's keys ("invoices", "notify"…): a string starting with one of them and a dot is a key. */
export const NAMESPACES = [...new Set(Object.keys(fr).map((key) => key.split(".")[0]))];

/**
 * What a translation key looks like in a page, an email or a PDF when its text is missing: a known
 * namespace, a dot and more (`notify.payment_received.customer.subject`, in any case: a label may be
 * shown in capitals), or a variable left in its braces (`{merchant}`, `{de:merchant}`).
 */
export const KEY_IN_TEXT = new RegExp(`\\b(?:${NAMESPACES.join("|")})(?:\\.[A-Za-z_]+)+\\b`, "gi");
export const VARIABLE_IN_TEXT = /\{(?:de:)?[a-z][A-Za-z]*\}/g;

/** Text that looks like a key and is not: Stripe's own event names ("checkout.session.completed", "account.application.deauthorized"), shown as such in the webhook log. */
export const LOOKS_LIKE_A_KEY = [/^checkout\.session(\.\w+)?$/i, /^account\.application\.\w+$/i];

/** The keys and leftover variables in a text a person reads. */
export function keysIn(text: string): string[] {
  const found = [...text.matchAll(KEY_IN_TEXT), ...text.matchAll(VARIABLE_IN_TEXT)].map(([match]) => match);
  return found.filter((match) => !LOOKS_LIKE_A_KEY.some((not) => not.test(match)));
}
