import type { VatBreakdown } from "~/domain/invoices/totals";
import { useI18n } from "~/i18n/react";
import { formatQuantity, formatVatRate } from "~/lib/format";

interface Props {
  currency: string;
  lines: { id: string; description: string; quantityThousandths: number; unitPriceMinor: number; vatRateBasisPoints: number; totalMinor: number }[];
  vat: VatBreakdown[];
  subtotalMinor: number;
  totalMinor: number;
}

/** The lines and totals of an invoice, as the merchant and the customer both read them. */
export function InvoiceLines({ currency, lines, vat, subtotalMinor, totalMinor }: Props) {
  const { t, money, locale } = useI18n();
  return (
    <>
      {/* On a phone, one block per line (description, then quantity × price and VAT, then the amount): five columns do not fit. */}
      <ul className="divide-y divide-slate-100 text-sm sm:hidden" data-testid="lines-narrow">
        {lines.map((line) => (
          <li key={line.id} className="py-3">
            <p className="whitespace-pre-line font-medium">{line.description}</p>
            <div className="mt-1 flex items-baseline justify-between gap-3 text-slate-600">
              <span className="tabular-nums">
                {t("invoices.lineNarrow", {
                  quantity: formatQuantity(line.quantityThousandths, locale),
                  price: money(line.unitPriceMinor, currency),
                  vat: formatVatRate(line.vatRateBasisPoints, locale),
                })}
              </span>
              <span className="whitespace-nowrap font-medium tabular-nums text-slate-900">{money(line.totalMinor, currency)}</span>
            </div>
          </li>
        ))}
      </ul>
      <div className="hidden overflow-x-auto sm:block">
        <table className="w-full text-left text-sm">
          <thead className="text-slate-500">
            <tr>
              <th className="py-2">{t("invoices.description")}</th>
              <th className="text-right">{t("invoices.quantity")}</th>
              <th className="text-right">{t("invoices.unitPrice")}</th>
              <th className="text-right">{t("invoices.vatRate")}</th>
              <th className="text-right">{t("invoices.lineTotal")}</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {lines.map((line) => (
              <tr key={line.id}>
                <td className="py-2 whitespace-pre-line">{line.description}</td>
                <td className="text-right tabular-nums">{formatQuantity(line.quantityThousandths, locale)}</td>
                <td className="text-right tabular-nums">{money(line.unitPriceMinor, currency)}</td>
                <td className="text-right tabular-nums">{formatVatRate(line.vatRateBasisPoints, locale)}</td>
                <td className="text-right tabular-nums">{money(line.totalMinor, currency)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <dl className="mt-4 space-y-1 text-sm sm:ml-auto sm:max-w-xs">
        <div className="flex justify-between">
          <dt>{t("invoices.subtotal")}</dt>
          <dd className="tabular-nums">{money(subtotalMinor, currency)}</dd>
        </div>
        {vat.map((rate) => (
          <div key={rate.rateBasisPoints} className="flex justify-between">
            <dt>{t("invoices.vatAt", { rate: formatVatRate(rate.rateBasisPoints, locale) })}</dt>
            <dd className="tabular-nums">{money(rate.vatMinor, currency)}</dd>
          </div>
        ))}
        <div className="flex justify-between font-semibold">
          <dt>{t("invoices.total")}</dt>
          <dd className="tabular-nums">{money(totalMinor, currency)}</dd>
        </div>
      </dl>
    </>
  );
}
