import { currencyExponent } from "~/lib/format";

/** Currencies a merchant can invoice in. All are supported by both providers' checkouts. */
export const CURRENCIES = ["EUR", "GBP", "USD", "CHF", "CAD", "SEK", "DKK", "NOK", "PLN", "JPY"] as const;
export type Currency = (typeof CURRENCIES)[number];

export function isCurrency(value: unknown): value is Currency {
  return typeof value === "string" && (CURRENCIES as readonly string[]).includes(value);
}

/**
 * Parses a decimal typed by a person, French or English style ("1 234,56", "1234.56", "1,234.56"),
 * into an integer scaled by 10^decimals. Returns null for anything ambiguous or with too many decimals.
 */
export function parseScaledDecimal(input: string, decimals: number): bigint | null {
  let text = input.trim().replace(/[\s\u00a0\u202f']/g, "");
  if (!text) return null;
  const hasComma = text.includes(",");
  const hasDot = text.includes(".");
  if (hasComma && hasDot) {
    const decimalSeparator = text.lastIndexOf(",") > text.lastIndexOf(".") ? "," : ".";
    const grouping = decimalSeparator === "," ? "." : ",";
    text = text.split(grouping).join("");
    if (text.split(decimalSeparator).length > 2) return null;
    text = text.replace(decimalSeparator, ".");
  } else if (hasComma || hasDot) {
    const separator = hasComma ? "," : ".";
    if (text.split(separator).length > 2) return null;
    text = text.replace(separator, ".");
  }
  const match = /^(-?)(\d+)(?:\.(\d*))?$/.exec(text);
  if (!match) return null;
  const [, sign, whole, fraction = ""] = match;
  if (fraction.length > decimals) return null;
  const scaled = BigInt(whole + fraction.padEnd(decimals, "0"));
  return sign ? -scaled : scaled;
}

function toSafeNumber(value: bigint | null): number | null {
  if (value === null || value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) return null;
  return Number(value);
}

/** "12,50" in EUR → 1250; "1250" in JPY → 1250. */
export function parseAmountMinor(input: string, currency: string): number | null {
  return toSafeNumber(parseScaledDecimal(input, currencyExponent(currency)));
}

/** "1,5" → 1500 thousandths. */
export function parseQuantityThousandths(input: string): number | null {
  return toSafeNumber(parseScaledDecimal(input, 3));
}

/** "5,5" (percent) → 550 basis points. */
export function parseVatRateBasisPoints(input: string): number | null {
  return toSafeNumber(parseScaledDecimal(input.replace("%", ""), 2));
}
