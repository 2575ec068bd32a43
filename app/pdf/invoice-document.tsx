import { Document, Page, StyleSheet, Text, View, renderToBuffer } from "@react-pdf/renderer";
import { addressLines, mentionText, printedMentions } from "~/domain/invoices/mentions";
import type { Parties } from "~/domain/invoices/service";
import { computeTotals } from "~/domain/invoices/totals";
import { displayIban } from "~/domain/identifiers";
import { translator, type Locale } from "~/i18n";
import { formatDate, formatMoney, formatQuantity, formatVatRate } from "~/lib/format";

export interface PdfInvoice {
  number: string | null;
  status: string;
  currency: string;
  issueDate: Date;
  dueDate: Date;
  notes: string;
  paymentTerms: string;
  subtotalMinor: number;
  taxMinor: number;
  totalMinor: number;
  amountPaidMinor: number;
  amountDueMinor: number;
  lines: { description: string; quantityThousandths: number; unitPriceMinor: number; vatRateBasisPoints: number; totalMinor: number }[];
}

export const styles = StyleSheet.create({
  page: { padding: 40, fontSize: 9, fontFamily: "Helvetica", color: "#1f2937" },
  row: { flexDirection: "row" },
  between: { flexDirection: "row", justifyContent: "space-between" },
  h1: { fontSize: 20, fontFamily: "Helvetica-Bold", marginBottom: 4 },
  bold: { fontFamily: "Helvetica-Bold" },
  muted: { color: "#6b7280" },
  box: { width: "48%" },
  label: { fontSize: 8, color: "#6b7280", marginBottom: 2, textTransform: "uppercase" },
  table: { marginTop: 20, borderTop: "1pt solid #d1d5db" },
  th: { flexDirection: "row", borderBottom: "1pt solid #d1d5db", paddingVertical: 4, fontFamily: "Helvetica-Bold" },
  tr: { flexDirection: "row", borderBottom: "0.5pt solid #e5e7eb", paddingVertical: 4 },
  description: { width: "46%" },
  num: { width: "13.5%", textAlign: "right" },
  totals: { marginTop: 12, marginLeft: "auto", width: "45%" },
  totalRow: { flexDirection: "row", justifyContent: "space-between", paddingVertical: 2 },
  footer: { position: "absolute", bottom: 24, left: 40, right: 40, fontSize: 7, color: "#6b7280" },
  stamp: { fontSize: 14, color: "#b91c1c", fontFamily: "Helvetica-Bold", marginBottom: 8 },
});

// The standard PDF fonts have no narrow no-break space (French thousands separator): use the plain one.
export const pdfText = (value: string) => value.replace(/\u202f/g, "\u00a0");

export function InvoiceDocument({ invoice, parties, locale }: { invoice: PdfInvoice; parties: Parties; locale: Locale }) {
  const t = translator(locale);
  const money = (minor: number) => pdfText(formatMoney(minor, invoice.currency, locale));
  const date = (value: Date) => formatDate(value, locale);
  const { seller, buyer } = parties;
  const vat = computeTotals(invoice.lines).vat;
  const mentions = printedMentions(
    parties,
    invoice.lines.map((line) => line.vatRateBasisPoints),
  );

  return (
    <Document title={invoice.number ? `${t("pdf.invoice")} ${invoice.number}` : t("pdf.draft")} author={seller.legalName} language={locale}>
      <Page size="A4" style={styles.page}>
        {invoice.status === "draft" ? <Text style={styles.stamp}>{t("pdf.draft")}</Text> : null}
        {invoice.status === "void" ? <Text style={styles.stamp}>{t("pdf.void")}</Text> : null}
        <View style={styles.between}>
          <View>
            <Text style={styles.h1}>{t("pdf.invoice")}</Text>
            {invoice.number ? <Text style={styles.bold}>{t("pdf.number", { number: invoice.number })}</Text> : null}
          </View>
          <View style={{ textAlign: "right" }}>
            <Text>{t("pdf.issueDate", { date: date(invoice.issueDate) })}</Text>
            <Text>{t("pdf.saleDate", { date: date(invoice.issueDate) })}</Text>
            <Text style={styles.bold}>{t("pdf.dueDate", { date: date(invoice.dueDate) })}</Text>
          </View>
        </View>

        <View style={[styles.between, { marginTop: 24 }]}>
          <View style={styles.box}>
            <Text style={styles.label}>{t("pdf.seller")}</Text>
            <Text style={styles.bold}>{seller.legalName}</Text>
            {addressLines(seller).map((line) => (
              <Text key={line}>{line}</Text>
            ))}
            {seller.siret ? <Text>{t("pdf.siret", { siret: seller.siret })}</Text> : null}
            {seller.vatNumber ? <Text>{t("pdf.vatNumber", { vat: seller.vatNumber })}</Text> : null}
            {seller.legalMentions ? <Text style={styles.muted}>{seller.legalMentions}</Text> : null}
          </View>
          <View style={styles.box}>
            <Text style={styles.label}>{t("pdf.buyer")}</Text>
            <Text style={styles.bold}>{buyer.company || buyer.name}</Text>
            {buyer.company ? <Text>{buyer.name}</Text> : null}
            {addressLines(buyer).map((line) => (
              <Text key={line}>{line}</Text>
            ))}
            {mentions.buyer.map((mention) => (
              <Text key={mention.key}>{mentionText(t, mention)}</Text>
            ))}
          </View>
        </View>

        {mentions.delivery ? (
          <View style={{ marginTop: 12, marginLeft: "52%" }}>
            <Text style={styles.label}>{t("mentions.delivery")}</Text>
            {mentions.delivery.map((line) => (
              <Text key={line}>{line}</Text>
            ))}
          </View>
        ) : null}

        <View style={styles.table}>
          <View style={styles.th} fixed>
            <Text style={styles.description}>{t("invoices.description")}</Text>
            <Text style={styles.num}>{t("invoices.quantity")}</Text>
            <Text style={styles.num}>{t("invoices.unitPrice")}</Text>
            <Text style={styles.num}>{t("invoices.vatRate")}</Text>
            <Text style={styles.num}>{t("invoices.lineTotal")}</Text>
          </View>
          {invoice.lines.map((line, index) => (
            <View key={index} style={styles.tr} wrap={false}>
              <Text style={styles.description}>{line.description}</Text>
              <Text style={styles.num}>{pdfText(formatQuantity(line.quantityThousandths, locale))}</Text>
              <Text style={styles.num}>{money(line.unitPriceMinor)}</Text>
              <Text style={styles.num}>{pdfText(formatVatRate(line.vatRateBasisPoints, locale))}</Text>
              <Text style={styles.num}>{money(line.totalMinor)}</Text>
            </View>
          ))}
        </View>

        <View style={styles.totals} wrap={false}>
          <View style={styles.totalRow}>
            <Text>{t("invoices.subtotal")}</Text>
            <Text>{money(invoice.subtotalMinor)}</Text>
          </View>
          {vat.map((rate) => (
            <View key={rate.rateBasisPoints} style={styles.totalRow}>
              <Text>{t("invoices.vatAt", { rate: pdfText(formatVatRate(rate.rateBasisPoints, locale)) })}</Text>
              <Text>{money(rate.vatMinor)}</Text>
            </View>
          ))}
          <View style={[styles.totalRow, styles.bold]}>
            <Text>{t("invoices.total")}</Text>
            <Text>{money(invoice.totalMinor)}</Text>
          </View>
          {invoice.amountPaidMinor > 0 ? (
            <View style={styles.totalRow}>
              <Text>{t("invoices.amountPaid")}</Text>
              <Text>{money(invoice.amountPaidMinor)}</Text>
            </View>
          ) : null}
          {invoice.status !== "draft" ? (
            <View style={[styles.totalRow, styles.bold]}>
              <Text>{t("invoices.amountDue")}</Text>
              <Text>{money(invoice.amountDueMinor)}</Text>
            </View>
          ) : null}
        </View>

        {mentions.notes.length ? (
          <View style={{ marginTop: 12 }} wrap={false}>
            {mentions.notes.map((mention) => (
              <Text key={mention.key}>{mentionText(t, mention)}</Text>
            ))}
          </View>
        ) : null}
        {invoice.paymentTerms ? <Text style={{ marginTop: 12 }}>{invoice.paymentTerms}</Text> : null}
        {invoice.notes ? <Text style={{ marginTop: 8 }}>{invoice.notes}</Text> : null}

        {seller.iban ? (
          <View style={{ marginTop: 16 }} wrap={false}>
            <Text style={styles.label}>{t("pdf.bankTransfer")}</Text>
            <Text>
              {t("pdf.iban", { iban: displayIban(seller.iban) })}
              {seller.bic ? `   ${t("pdf.bic", { bic: seller.bic })}` : ""}
            </Text>
            {invoice.number ? <Text>{t("pdf.reference", { number: invoice.number })}</Text> : null}
          </View>
        ) : null}

        <View style={styles.footer} fixed>
          <Text>{t("pdf.latePenalties")}</Text>
          <Text render={({ pageNumber, totalPages }) => t("pdf.page", { page: pageNumber, pages: totalPages })} style={{ textAlign: "right", marginTop: 4 }} />
        </View>
      </Page>
    </Document>
  );
}

export function renderInvoicePdf(invoice: PdfInvoice, parties: Parties, locale: Locale): Promise<Buffer> {
  return renderToBuffer(<InvoiceDocument invoice={invoice} parties={parties} locale={locale} />);
}
