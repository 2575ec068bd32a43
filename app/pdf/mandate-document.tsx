import { Document, Page, StyleSheet, Text, View, renderToBuffer } from "@react-pdf/renderer";
import { mandateLegalText } from "~/domain/mandates/texts";
import { translator, type Locale } from "~/i18n";
import { formatDateTime, formatMoney } from "~/lib/format";

/** What the signed mandate's PDF prints: every SEPA mention, and how it was signed. */
export interface PdfMandate {
  creditor: { name: string; address: string };
  ics: string;
  debtor: { name: string; address: string };
  iban: string;
  bic: string;
  reference: string;
  type: string;
  amountMinor: number | null;
  currency: string;
  signedAt: Date;
  trace: { channel: string; destination: string; codeSentAt: string; codeVerifiedAt: string; textHash: string };
}

const styles = StyleSheet.create({
  page: { padding: 40, fontSize: 10, fontFamily: "Helvetica", color: "#1f2937" },
  h1: { fontSize: 18, fontFamily: "Helvetica-Bold", marginBottom: 12 },
  h2: { fontSize: 11, fontFamily: "Helvetica-Bold", marginTop: 14, marginBottom: 4 },
  row: { flexDirection: "row", paddingVertical: 2 },
  label: { width: "35%", color: "#6b7280" },
  value: { width: "65%" },
  legal: { marginTop: 12, fontSize: 9, lineHeight: 1.4 },
  trace: { marginTop: 16, fontSize: 8, color: "#4b5563", borderTop: "0.5pt solid #d1d5db", paddingTop: 6 },
});

// The standard PDF fonts have no narrow no-break space (French thousands separator): use the plain one.
const pdfText = (value: string) => value.replace(/\u202f/g, "\u00a0");

export function MandateDocument({ mandate, locale }: { mandate: PdfMandate; locale: Locale }) {
  const t = translator(locale);
  const rows: [string, string][] = [
    [t("mandate.rum"), mandate.reference],
    [t("mandate.creditor"), mandate.creditor.name],
    [t("mandate.creditorAddress"), mandate.creditor.address],
    [t("mandate.ics"), mandate.ics],
    [t("mandate.debtor"), mandate.debtor.name],
    [t("mandate.debtorAddress"), mandate.debtor.address || "—"],
    [t("mandate.iban"), mandate.iban],
    [t("mandate.bic"), mandate.bic || "—"],
    [t("mandate.paymentType"), t(mandate.type === "recurrent" ? "mandate.type.recurrent" : "mandate.type.one_off")],
    ...(mandate.amountMinor ? ([[t("mandate.amount"), pdfText(formatMoney(mandate.amountMinor, mandate.currency, locale))]] as [string, string][]) : []),
    [t("mandate.signedAtLabel"), pdfText(formatDateTime(mandate.signedAt, locale))],
  ];
  return (
    <Document title={`${t("mandate.pdfTitle")} ${mandate.reference}`} author={mandate.creditor.name} language={locale}>
      <Page size="A4" style={styles.page}>
        <Text style={styles.h1}>{t("mandate.pdfTitle")}</Text>
        {rows.map(([label, value]) => (
          <View key={label} style={styles.row}>
            <Text style={styles.label}>{label}</Text>
            <Text style={styles.value}>{value}</Text>
          </View>
        ))}
        <View style={styles.legal}>
          {mandateLegalText(t, mandate.creditor.name).map((text) => (
            <Text key={text} style={{ marginBottom: 4 }}>
              {text}
            </Text>
          ))}
        </View>
        <Text style={styles.h2}>{t("mandate.signature")}</Text>
        <Text>
          {t("mandate.signatureText", {
            date: pdfText(formatDateTime(mandate.trace.codeVerifiedAt, locale)),
            channel: t(mandate.trace.channel === "sms" ? "mandate.channel.sms" : "mandate.channel.email"),
            destination: mandate.trace.destination,
          })}
        </Text>
        <View style={styles.trace}>
          <Text>{t("mandate.traceSent", { date: pdfText(formatDateTime(mandate.trace.codeSentAt, locale)) })}</Text>
          <Text>{t("mandate.traceHash", { hash: mandate.trace.textHash })}</Text>
        </View>
      </Page>
    </Document>
  );
}

export function renderMandatePdf(mandate: PdfMandate, locale: Locale): Promise<Buffer> {
  return renderToBuffer(<MandateDocument mandate={mandate} locale={locale} />);
}
