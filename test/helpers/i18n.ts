import { fr } from "~/i18n/fr";

/** The first segments of the catalogue's keys ("invoices", "notify"…): a string starting with one of them and a dot is a key. */
export const NAMESPACES = [...new Set(Object.keys(fr).map((key) => key.split(".")[0]))];

/**
 * What a translation key looks like in a page, an email or a PDF when its text is missing: a known
 * namespace, a dot and more (`notify.payment_received.customer.subject`), or a variable left in its
 * braces (`{merchant}`, `{de:merchant}`).
 */
export const KEY_IN_TEXT = new RegExp(`\\b(?:${NAMESPACES.join("|")})(?:\\.[A-Za-z_]+)+\\b|\\{(?:de:)?[A-Za-z]+\\}`, "g");
