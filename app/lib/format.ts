import type { Locale } from "~/i18n";

const intlLocale: Record<Locale, string> = { fr: "fr-FR", en: "en-GB" };

/**
 * Building an Intl formatter costs far more than using one (it was a third of the invoice list's CPU),
 * so each is built on first use and kept, one per locale and currency. Currencies reach here from
 * validated fields and provider payloads; the cache is still bounded so no input can grow it for ever.
 */
const MAX_CACHED = 500;
const numberFormats = new Map<string, Intl.NumberFormat>();
const dateFormats = new Map<string, Intl.DateTimeFormat>();

function cached<F>(cache: Map<string, F>, key: string, create: () => F): F {
  let formatter = cache.get(key);
  if (!formatter) {
    formatter = create(); // throws (and keeps nothing) on an invalid currency, as before
    if (cache.size >= MAX_CACHED) cache.clear();
    cache.set(key, formatter);
  }
  return formatter;
}

function currencyFormat(locale: string, currency: string) {
  return cached(numberFormats, `currency|${locale}|${currency}`, () => new Intl.NumberFormat(locale, { style: "currency", currency }));
}

const exponents = new Map<string, number>();

/** Number of minor-unit digits of an ISO 4217 currency (EUR 2, JPY 0, …). */
export function currencyExponent(currency: string): number {
  // resolvedOptions() builds a new object on each call: the answer is kept too.
  return cached(exponents, currency, () => currencyFormat("en", currency).resolvedOptions().maximumFractionDigits ?? 2);
}

export function formatMoney(minor: number, currency: string, locale: Locale): string {
  const exponent = currencyExponent(currency);
  return currencyFormat(intlLocale[locale], currency).format(minor / 10 ** exponent);
}

/** Dates are calendar days stored at UTC midnight: format them in UTC so no reader sees the day before. */
export function formatDate(date: Date | string, locale: Locale): string {
  return cached(dateFormats, `date|${locale}`, () => new Intl.DateTimeFormat(intlLocale[locale], { dateStyle: "long", timeZone: "UTC" })).format(
    new Date(date),
  );
}

export function formatDateTime(date: Date | string, locale: Locale): string {
  return cached(
    dateFormats,
    `dateTime|${locale}`,
    () => new Intl.DateTimeFormat(intlLocale[locale], { dateStyle: "medium", timeStyle: "short", timeZone: "Europe/Paris" }),
  ).format(new Date(date));
}

export function formatQuantity(thousandths: number, locale: Locale): string {
  return cached(numberFormats, `quantity|${locale}`, () => new Intl.NumberFormat(intlLocale[locale], { maximumFractionDigits: 3 })).format(thousandths / 1000);
}

export function formatVatRate(basisPoints: number, locale: Locale): string {
  return cached(numberFormats, `percent|${locale}`, () => new Intl.NumberFormat(intlLocale[locale], { style: "percent", maximumFractionDigits: 2 })).format(
    basisPoints / 10000,
  );
}

/** Minor units as a plain decimal for an input field ("1234.50", or "1234,50" for a French reader). */
export function minorToInput(minor: number, currency: string, locale?: Locale): string {
  const exponent = currencyExponent(currency);
  if (exponent === 0) return String(minor);
  const sign = minor < 0 ? "-" : "";
  const abs = Math.abs(minor);
  const separator = locale === "fr" ? "," : ".";
  return `${sign}${Math.floor(abs / 10 ** exponent)}${separator}${String(abs % 10 ** exponent).padStart(exponent, "0")}`;
}
