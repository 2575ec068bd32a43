/** Customer accounts (issue 14): the balance and the movements with their running balance. */
import { Link } from "react-router";
import { type MovementKind, type MovementWithBalance, PAYMENT_MOVEMENT_KINDS } from "~/domain/accounts/movements";
import type { MessageKey } from "~/i18n";
import { useI18n } from "~/i18n/react";

const METHOD_KEYS: Record<string, MessageKey> = {
  transfer: "receipt.method.transfer",
  cheque: "receipt.method.cheque",
  cash: "receipt.method.cash",
  other: "receipt.method.other",
  direct_debit: "providers.method.direct_debit",
  card: "providers.method.card",
};

const isPaymentMovement = (kind: MovementKind) => (PAYMENT_MOVEMENT_KINDS as readonly string[]).includes(kind);

export function useMethodLabel() {
  const { t } = useI18n();
  return (method: string | undefined) => (method && METHOD_KEYS[method] ? t(METHOD_KEYS[method]) : (method ?? ""));
}

/** "120,00 € dû", "30,00 € d'avoir", "Soldé": positive is owed by the customer, negative is credit. */
export function BalanceText({ minor, currency }: { minor: number; currency: string }) {
  const { t, money } = useI18n();
  if (minor === 0) return <span className="text-slate-600">{t("account.balanceZero")}</span>;
  return minor > 0 ? (
    <span className="font-medium text-slate-900">{t("account.balanceOwed", { amount: money(minor, currency) })}</span>
  ) : (
    <span className="font-medium text-emerald-700">{t("account.balanceCredit", { amount: money(-minor, currency) })}</span>
  );
}

/** Wire form of a movement (dates as strings after the loader). */
export type MovementRow = Omit<MovementWithBalance, "date"> & { date: string | Date };

/** `closing` adds the period's last line; `plain` shows no links to the merchant's pages (the customer space). */
export function MovementsTable({
  movements,
  currency,
  opening,
  closing,
  plain,
}: {
  movements: MovementRow[];
  currency: string;
  opening?: { label: string; minor: number };
  closing?: { label: string; minor: number };
  plain?: boolean;
}) {
  const { t, money, date } = useI18n();
  const method = useMethodLabel();
  // A balance payment's movements name no invoice: they read "on the account".
  const label = (m: MovementRow) =>
    t((!m.invoiceNumber && isPaymentMovement(m.kind) ? `account.kind.${m.kind}.onAccount` : `account.kind.${m.kind}`) as MessageKey, {
      number: (m.kind === "credit_note" ? m.creditNoteNumber : m.invoiceNumber) ?? "",
      invoice: m.invoiceNumber ?? "",
      method: method(m.method),
    });
  return (
    <>
      {plain ? (
        // The customer reads it on a phone: one block per line, the running balance kept in sight.
        <ul className="divide-y divide-slate-100 text-sm sm:hidden" data-testid="movements-narrow">
          {opening ? <NarrowLine label={opening.label} balance={money(opening.minor, currency)} /> : null}
          {movements.map((m) => (
            <NarrowLine
              key={`${m.seq}|${m.kind}`}
              date={date(m.date)}
              label={m.reference ? `${label(m)} — ${m.reference}` : label(m)}
              amount={
                m.amountMinor > 0 ? `${t("account.debit")} ${money(m.amountMinor, currency)}` : `${t("account.credit")} ${money(-m.amountMinor, currency)}`
              }
              balance={money(m.balanceMinor, currency)}
            />
          ))}
          {closing ? <NarrowLine label={closing.label} balance={money(closing.minor, currency)} strong /> : null}
        </ul>
      ) : null}
      <div className={plain ? "hidden overflow-x-auto sm:block" : "overflow-x-auto"}>
        <table className="w-full text-left text-sm">
          <thead className="text-slate-500">
            <tr>
              <th className="py-2">{t("account.date")}</th>
              <th>{t("account.movement")}</th>
              <th className="text-right">{t("account.debit")}</th>
              <th className="text-right">{t("account.credit")}</th>
              <th className="text-right">{t("account.runningBalance")}</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {opening ? (
              <tr>
                <td className="py-2" colSpan={4}>
                  {opening.label}
                </td>
                <td className="text-right font-medium">{money(opening.minor, currency)}</td>
              </tr>
            ) : null}
            {movements.map((m) => (
              <tr key={`${m.seq}|${m.kind}`}>
                <td className="py-2 whitespace-nowrap">{date(m.date)}</td>
                <td>
                  {plain ? (
                    label(m)
                  ) : m.creditNoteId ? (
                    <Link className="text-blue-700 hover:underline" to={`/credit-notes/${m.creditNoteId}`}>
                      {label(m)}
                    </Link>
                  ) : m.receiptId ? (
                    <Link className="text-blue-700 hover:underline" to={`/receipts/${m.receiptId}`}>
                      {label(m)}
                    </Link>
                  ) : m.invoiceId ? (
                    <Link className="text-blue-700 hover:underline" to={`/invoices/${m.invoiceId}`}>
                      {label(m)}
                    </Link>
                  ) : (
                    label(m)
                  )}
                  {m.reference ? <span className="text-slate-500"> — {m.reference}</span> : null}
                </td>
                <td className="text-right">{m.amountMinor > 0 ? money(m.amountMinor, currency) : ""}</td>
                <td className="text-right">{m.amountMinor < 0 ? money(-m.amountMinor, currency) : ""}</td>
                <td className="text-right font-medium">{money(m.balanceMinor, currency)}</td>
              </tr>
            ))}
            {closing ? (
              <tr>
                <td className="py-2 font-semibold" colSpan={4}>
                  {closing.label}
                </td>
                <td className="text-right font-semibold">{money(closing.minor, currency)}</td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
    </>
  );
}

function NarrowLine({ date, label, amount, balance, strong }: { date?: string; label: string; amount?: string; balance: string; strong?: boolean }) {
  const { t } = useI18n();
  return (
    <li className={`py-2 ${strong ? "font-semibold" : ""}`}>
      {date ? <p className="text-slate-500">{date}</p> : null}
      <p className="flex justify-between gap-3">
        <span>{label}</span>
        {amount ? <span className="whitespace-nowrap">{amount}</span> : null}
      </p>
      <p className="text-right">
        {t("account.runningBalance")} {balance}
      </p>
    </li>
  );
}
