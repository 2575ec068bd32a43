import { Document, Page, StyleSheet, Text, View, renderToBuffer } from "@react-pdf/renderer";
import { addressLines, type PostalAddress } from "~/domain/invoices/mentions";
import { translator, type Locale } from "~/i18n";
import { formatDate } from "~/lib/format";

/**
 * The access code as a letter (issue 14): for a customer without email, or who prefers paper. Laid out
 * for a windowed envelope (the address on the right, a third down). Made once when the code is made:
 * only its hash is kept, so it cannot be printed again, only replaced.
 */
export interface AccessLetter {
  merchant: PostalAddress & { legalName: string };
  customer: PostalAddress & { name: string; company: string };
  email: string;
  url: string;
  code: string;
  expiresAt: Date;
  today: Date;
}

const styles = StyleSheet.create({
  page: { padding: 50, fontSize: 10.5, fontFamily: "Helvetica", color: "#1f2937", lineHeight: 1.4 },
  bold: { fontFamily: "Helvetica-Bold" },
  address: { marginTop: 60, marginLeft: "55%" },
  code: { fontSize: 22, fontFamily: "Courier-Bold", letterSpacing: 2, marginVertical: 10, padding: 10, border: "1pt solid #9ca3af", textAlign: "center" },
  p: { marginTop: 10 },
});

export function AccessLetterDocument({ letter, locale }: { letter: AccessLetter; locale: Locale }) {
  const t = translator(locale);
  const { merchant, customer } = letter;
  return (
    <Document title={t("space.letter.title", { merchant: merchant.legalName })} author={merchant.legalName} language={locale}>
      <Page size="A4" style={styles.page}>
        <View>
          <Text style={styles.bold}>{merchant.legalName}</Text>
          {addressLines(merchant).map((line) => (
            <Text key={line}>{line}</Text>
          ))}
        </View>
        <View style={styles.address}>
          <Text style={styles.bold}>{customer.company || customer.name}</Text>
          {customer.company ? <Text>{customer.name}</Text> : null}
          {addressLines(customer).map((line) => (
            <Text key={line}>{line}</Text>
          ))}
        </View>
        <Text style={[styles.p, { marginTop: 40, textAlign: "right" }]}>{formatDate(letter.today, locale)}</Text>
        <Text style={[styles.p, styles.bold, { fontSize: 13, marginTop: 24 }]}>{t("space.letter.title", { merchant: merchant.legalName })}</Text>
        <Text style={styles.p}>{t("space.letter.intro", { merchant: merchant.legalName })}</Text>
        <Text style={styles.p}>{t("space.letter.step1")}</Text>
        <Text style={styles.bold}>{letter.url}</Text>
        <Text style={styles.p}>{t("space.letter.step2", { email: letter.email })}</Text>
        <Text style={styles.code}>{letter.code}</Text>
        <Text>{t("space.letter.step3")}</Text>
        <Text style={[styles.p, { color: "#6b7280" }]}>{t("space.letter.expiry", { date: formatDate(letter.expiresAt, locale) })}</Text>
      </Page>
    </Document>
  );
}

export function renderAccessLetter(letter: AccessLetter, locale: Locale): Promise<Buffer> {
  return renderToBuffer(<AccessLetterDocument letter={letter} locale={locale} />);
}
