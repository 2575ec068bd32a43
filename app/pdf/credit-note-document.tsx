import { Document, Page, Text, View, renderToBuffer } from "@react-pdf/renderer";
import { vatOf } from "~/domain/credit-notes/totals";
import { addressLines, mentionText, printedMentions } from "~/domain/invoices/mentions";
import type { Parties } from "~/domain/invoices/service";
import { translator, type Locale } from "~/i18n";
import { formatDate, formatMoney, formatQuantity, formatVatRate } from "~/lib/format";
import { pdfText, styles } from "./invoice-document";

export interface PdfCreditNote {
  number: string;
  currency: string;
  issueDate: Date;
  reason: string;
  subtotalMinor: number;
  taxMinor: number;
  totalMinor: number;
  invoice: { number: string | null; issueDate: Date };
  lines: { description: string; quantityThousandths: number; unitPriceMinor: number; vatRateBasisPoints: number; totalMinor: number }[];
}

/**
 * A facture d'avoir: the invoice's legal mentions (seller and buyer as frozen on the invoice, numbers, dates),
 * the reference to the invoice it corrects (number and date), its lines and totals as negative amounts,
 * and its reason.
 */
export function CreditNoteDocument({ creditNote, parties, locale }: { creditNote: PdfCreditNote; parties: Parties; locale: Locale }) {
  const t = translator(locale);
  // Credited amounts print negative: they come off what the customer owes.
  const money = (minor: number) => pdfText(formatMoney(-minor, creditNote.currency, locale));
  const date = (value: Date) => formatDate(value, locale);
  const { seller, buyer } = parties;
  const vat = vatOf(creditNote.lines);
  const mentions = printedMentions(
    parties,
    creditNote.lines.map((line) => line.vatRateBasisPoints),
  );
  const invoiceNumber = creditNote.invoice.number ?? "";

  return (
    <Document title={`${t("creditNotes.pdf.title")} ${creditNote.number}`} author={seller.legalName} language={locale}>
      <Page size="A4" style={styles.page}>
        <View style={styles.between}>
          <View>
            <Text style={styles.h1}>{t("creditNotes.pdf.title")}</Text>
            <Text style={styles.bold}>{t("pdf.number", { number: creditNote.number })}</Text>
          </View>
          <View style={{ textAlign: "right" }}>
            <Text>{t("pdf.issueDate", { date: date(creditNote.issueDate) })}</Text>
            <Text style={styles.bold}>{t("creditNotes.pdf.reference", { number: invoiceNumber, date: date(creditNote.invoice.issueDate) })}</Text>
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

        <Text style={{ marginTop: 16 }}>{t("creditNotes.reasonText", { reason: creditNote.reason })}</Text>

        <View style={styles.table}>
          <View style={styles.th} fixed>
            <Text style={styles.description}>{t("invoices.description")}</Text>
            <Text style={styles.num}>{t("invoices.quantity")}</Text>
            <Text style={styles.num}>{t("invoices.unitPrice")}</Text>
            <Text style={styles.num}>{t("invoices.vatRate")}</Text>
            <Text style={styles.num}>{t("invoices.lineTotal")}</Text>
          </View>
          {creditNote.lines.map((line, index) => (
            <View key={index} style={styles.tr} wrap={false}>
              <Text style={styles.description}>{line.description}</Text>
              <Text style={styles.num}>{pdfText(formatQuantity(line.quantityThousandths, locale))}</Text>
              <Text style={styles.num}>{pdfText(formatMoney(line.unitPriceMinor, creditNote.currency, locale))}</Text>
              <Text style={styles.num}>{pdfText(formatVatRate(line.vatRateBasisPoints, locale))}</Text>
              <Text style={styles.num}>{money(line.totalMinor)}</Text>
            </View>
          ))}
        </View>

        <View style={styles.totals} wrap={false}>
          <View style={styles.totalRow}>
            <Text>{t("invoices.subtotal")}</Text>
            <Text>{money(creditNote.subtotalMinor)}</Text>
          </View>
          {vat.map((rate) => (
            <View key={rate.rateBasisPoints} style={styles.totalRow}>
              <Text>{t("invoices.vatAt", { rate: pdfText(formatVatRate(rate.rateBasisPoints, locale)) })}</Text>
              <Text>{money(rate.vatMinor)}</Text>
            </View>
          ))}
          <View style={[styles.totalRow, styles.bold]}>
            <Text>{t("creditNotes.pdf.total")}</Text>
            <Text>{money(creditNote.totalMinor)}</Text>
          </View>
        </View>

        {mentions.notes.length ? (
          <View style={{ marginTop: 12 }} wrap={false}>
            {mentions.notes.map((mention) => (
              <Text key={mention.key}>{mentionText(t, mention)}</Text>
            ))}
          </View>
        ) : null}
        <Text style={{ marginTop: 12 }}>{t("creditNotes.pdf.settlement", { number: invoiceNumber })}</Text>

        <View style={styles.footer} fixed>
          <Text render={({ pageNumber, totalPages }) => t("pdf.page", { page: pageNumber, pages: totalPages })} style={{ textAlign: "right", marginTop: 4 }} />
        </View>
      </Page>
    </Document>
  );
}

export function renderCreditNotePdf(creditNote: PdfCreditNote, parties: Parties, locale: Locale): Promise<Buffer> {
  return renderToBuffer(<CreditNoteDocument creditNote={creditNote} parties={parties} locale={locale} />);
}
