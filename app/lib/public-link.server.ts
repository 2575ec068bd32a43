import type { AppLoadContext } from "react-router";
import { invoiceForToken, type PublicInvoice } from "~/domain/consultation";
import { isLocale, type Locale } from "~/i18n";
import { notFound } from "./http.server";
import { LOCALE_COOKIE, cookieValue } from "./session.server";
import { countUnknownLink, refuseLinkGuessers } from "./throttle.server";

/** The invoice behind a consultation link; a client that guesses links is refused (429) before any lookup. */
export async function invoiceOfLink(context: AppLoadContext, token: string): Promise<PublicInvoice> {
  await refuseLinkGuessers(context);
  const invoice = await invoiceForToken(context.db, token);
  if (!invoice) await countUnknownLink(context);
  return invoice ?? notFound();
}

/** The customer reads in their own language unless they picked another one. */
export function readerLocale(request: Request, customer: { locale: string }): Locale {
  const chosen = cookieValue(request, LOCALE_COOKIE);
  if (isLocale(chosen)) return chosen;
  return isLocale(customer.locale) ? customer.locale : "fr";
}
