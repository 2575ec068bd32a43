/**
 * Invoice number formats: literal text plus the tokens {YYYY}, {YY}, {MM} and {SEQ} or {SEQ:n}
 * (the organisation's sequence, zero-padded to n digits). The sequence itself never resets and never
 * skips: it is incremented in the same transaction that gives an invoice its number.
 */
const TOKEN = /\{(YYYY|YY|MM|SEQ(?::(\d{1,2}))?)\}/g;

export function isValidNumberFormat(format: string): boolean {
  if (format.length < 5 || format.length > 40) return false;
  const seqTokens = format.match(/\{SEQ(?::\d{1,2})?\}/g) ?? [];
  if (seqTokens.length !== 1) return false;
  const literal = format.replace(TOKEN, "");
  return /^[A-Za-z0-9\-_/.]*$/.test(literal);
}

export function formatInvoiceNumber(format: string, sequence: number, issueDate: Date): string {
  const year = String(issueDate.getUTCFullYear());
  return format.replace(TOKEN, (_match, token: string, width?: string) => {
    if (token === "YYYY") return year;
    if (token === "YY") return year.slice(2);
    if (token === "MM") return String(issueDate.getUTCMonth() + 1).padStart(2, "0");
    return String(sequence).padStart(width ? Number(width) : 1, "0");
  });
}
