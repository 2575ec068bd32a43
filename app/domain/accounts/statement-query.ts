/** The statement's period and currency as asked in a URL (?from=&to=&currency=), for its page and its PDF alike. */
import { isCurrency } from "../money";
import { type Movement, type Statement, statementOf } from "./movements";

const dayOf = (value: string | null) => {
  if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return null;
  const date = new Date(`${value}T00:00:00.000Z`);
  return Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value ? null : date;
};
export const isoDay = (date: Date) => date.toISOString().slice(0, 10);

/**
 * Defaults: from the first of January of the end's year to today, in the account's first currency. An
 * end before the start is the start (one day).
 */
export function statementFor(movements: Movement[], params: URLSearchParams, today: Date, defaultCurrency: string) {
  const to = dayOf(params.get("to")) ?? today;
  const from = dayOf(params.get("from")) ?? new Date(Date.UTC(to.getUTCFullYear(), 0, 1));
  const currencies = [...new Set(movements.map((m) => m.currency))];
  const asked = params.get("currency");
  const currency = isCurrency(asked) ? asked : (currencies[0] ?? defaultCurrency);
  const statement: Statement = statementOf(movements, currency, from, to <= from ? from : to);
  return {
    statement,
    currencies: currencies.includes(currency) ? currencies : [...currencies, currency],
    query: { from: isoDay(statement.from), to: isoDay(statement.to), currency },
  };
}

/** The same period as a query string, for the PDF link next to the page. */
export const statementSearch = (query: { from: string; to: string; currency: string }) => new URLSearchParams(query).toString();
