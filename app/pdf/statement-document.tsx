import { Document, Page, StyleSheet, Text, View, renderToBuffer } from "@react-pdf/renderer";
import type { Statement } from "~/domain/accounts/movements";
import { addressLines, type PostalAddress } from "~/domain/invoices/mentions";
import { type MessageKey, translator, type Locale } from "~/i18n";
import { formatDate, formatMoney } from "~/lib/format";

/** The account statement as a PDF (issue 14), for the merchant and for the customer: same figures as the page. */
export interface StatementPdf {
  statement: Statement;
  merchant: PostalAddress & { legalName: string };
  customer: PostalAddress & { name: string; company: string };
  reference: string;
}

const METHOD_KEYS: Record<string, MessageKey> = {
  transfer: "receipt.method.transfer",
  cheque: "receipt.method.cheque",
  cash: "receipt.method.cash",
  other: "receipt.method.other",
  direct_debit: "providers.method.direct_debit",
  card: "providers.method.card",
};

const styles = StyleSheet.create({
  page: { padding: 40, fontSize: 9, fontFamily: "Helvetica", color: "#1f2937" },
  between: { flexDirection: "row", justifyContent: "space-between" },
  h1: { fontSize: 18, fontFamily: "Helvetica-Bold", marginBottom: 4 },
  bold: { fontFamily: "Helvetica-Bold" },
  box: { width: "48%" },
  label: { fontSize: 8, color: "#6b7280", marginBottom: 2, textTransform: "uppercase" },
  table: { marginTop: 20, borderTop: "1pt solid #d1d5db" },
  th: { flexDirection: "row", borderBottom: "1pt solid #d1d5db", paddingVertical: 4, fontFamily: "Helvetica-Bold" },
  tr: { flexDirection: "row", borderBottom: "0.5pt solid #e5e7eb", paddingVertical: 4 },
  date: { width: "16%" },
  what: { width: "42%" },
  num: { width: "14%", textAlign: "right" },
  footer: { position: "absolute", bottom: 24, left: 40, right: 40, fontSize: 7, color: "#6b7280" },
});

// The standard PDF fonts have no narrow no-break space (French thousands separator): use the plain one.
const pdfText = (value: string) => value.replace(/\u202f/g, "\u00a0");

export function StatementDocument({ data, locale }: { data: StatementPdf; locale: Locale }) {
  const t = translator(locale);
  const { statement, merchant, customer } = data;
  const money = (minor: number) => pdfText(formatMoney(minor, statement.currency, locale));
  const date = (value: Date) => formatDate(value, locale);
  const method = (m: string | undefined) => (m && METHOD_KEYS[m] ? t(METHOD_KEYS[m]) : (m ?? ""));
  return (
    <Document title={`${t("account.statement")} — ${customer.company || customer.name}`} author={merchant.legalName} language={locale}>
      <Page size="A4" style={styles.page}>
        <View style={styles.between}>
          <View>
            <Text style={styles.h1}>{t("account.statement")}</Text>
            <Text style={styles.bold}>{t("account.statementPeriod", { from: date(statement.from), to: date(statement.to) })}</Text>
            <Text>{t("statement.currency", { currency: statement.currency })}</Text>
          </View>
          <View style={{ textAlign: "right" }}>
            <Text>{t("statement.reference", { reference: data.reference })}</Text>
          </View>
        </View>
        <View style={[styles.between, { marginTop: 24 }]}>
          <View style={styles.box}>
            <Text style={styles.label}>{t("pdf.seller")}</Text>
            <Text style={styles.bold}>{merchant.legalName}</Text>
            {addressLines(merchant).map((line) => (
              <Text key={line}>{line}</Text>
            ))}
          </View>
          <View style={styles.box}>
            <Text style={styles.label}>{t("pdf.buyer")}</Text>
            <Text style={styles.bold}>{customer.company || customer.name}</Text>
            {customer.company ? <Text>{customer.name}</Text> : null}
            {addressLines(customer).map((line) => (
              <Text key={line}>{line}</Text>
            ))}
          </View>
        </View>
        <View style={styles.table}>
          <View style={styles.th} fixed>
            <Text style={styles.date}>{t("account.date")}</Text>
            <Text style={styles.what}>{t("account.movement")}</Text>
            <Text style={styles.num}>{t("account.debit")}</Text>
            <Text style={styles.num}>{t("account.credit")}</Text>
            <Text style={styles.num}>{t("account.runningBalance")}</Text>
          </View>
          <View style={styles.tr}>
            <Text style={styles.date}>{date(statement.from)}</Text>
            <Text style={[styles.what, styles.bold]}>{t("statement.carriedForward")}</Text>
            <Text style={styles.num} />
            <Text style={styles.num} />
            <Text style={[styles.num, styles.bold]}>{money(statement.carriedForwardMinor)}</Text>
          </View>
          {statement.movements.map((m) => (
            <View key={`${m.seq}|${m.kind}`} style={styles.tr} wrap={false}>
              <Text style={styles.date}>{date(m.date)}</Text>
              <Text style={styles.what}>
                {t(`account.kind.${m.kind}` as MessageKey, { number: m.invoiceNumber ?? "", method: method(m.method) })}
                {m.reference ? ` — ${m.reference}` : ""}
              </Text>
              <Text style={styles.num}>{m.amountMinor > 0 ? money(m.amountMinor) : ""}</Text>
              <Text style={styles.num}>{m.amountMinor < 0 ? money(-m.amountMinor) : ""}</Text>
              <Text style={styles.num}>{money(m.balanceMinor)}</Text>
            </View>
          ))}
          <View style={styles.tr} wrap={false}>
            <Text style={styles.date}>{date(statement.to)}</Text>
            <Text style={[styles.what, styles.bold]}>{t("statement.closing")}</Text>
            <Text style={styles.num} />
            <Text style={styles.num} />
            <Text style={[styles.num, styles.bold]}>{money(statement.closingMinor)}</Text>
          </View>
        </View>
        <Text style={{ marginTop: 12, color: "#6b7280" }}>{t("account.balanceHint")}</Text>
        <View style={styles.footer} fixed>
          <Text render={({ pageNumber, totalPages }) => t("pdf.page", { page: pageNumber, pages: totalPages })} style={{ textAlign: "right" }} />
        </View>
      </Page>
    </Document>
  );
}

export function renderStatementPdf(data: StatementPdf, locale: Locale): Promise<Buffer> {
  return renderToBuffer(<StatementDocument data={data} locale={locale} />);
}
