import { Button, Section, Text } from "@react-email/components";
import type { Locale, Translate } from "~/i18n";
import { formatDate, formatMoney } from "~/lib/format";
import { EmailLayout, buttonStyle } from "./layout";

export interface CreditNoteEmailProps {
  t: Translate;
  locale: Locale;
  customerName: string;
  merchant: { legalName: string; addressLine1: string; postalCode: string; city: string; siret: string };
  creditNote: { number: string; totalMinor: number; currency: string; issueDate: Date; reason: string; invoiceNumber: string };
  /** The invoice's consultation link: the credit note's PDF is downloaded from there. */
  url: string;
}

export function CreditNoteEmail({ t, locale, customerName, merchant, creditNote, url }: CreditNoteEmailProps) {
  const vars = {
    name: customerName,
    merchant: merchant.legalName,
    number: creditNote.number,
    invoice: creditNote.invoiceNumber,
    amount: formatMoney(creditNote.totalMinor, creditNote.currency, locale),
    date: formatDate(creditNote.issueDate, locale),
    reason: creditNote.reason,
  };
  return (
    <EmailLayout
      locale={locale}
      preview={t("email.creditNote.subject", vars)}
      footer={[merchant.legalName, merchant.addressLine1, `${merchant.postalCode} ${merchant.city}`.trim(), merchant.siret ? `SIRET ${merchant.siret}` : ""]
        .filter(Boolean)
        .join(" · ")}
    >
      <Text>{t("email.invoice.greeting", vars)}</Text>
      <Text>{t("email.creditNote.intro", vars)}</Text>
      <Section style={{ backgroundColor: "#f3f4f6", padding: "12px 16px", borderRadius: "6px" }}>
        <Text style={{ margin: 0 }}>{t("creditNotes.pageTitle", vars)}</Text>
        <Text style={{ margin: 0, fontWeight: 700 }}>{t("email.creditNote.amount", vars)}</Text>
        <Text style={{ margin: 0 }}>{t("email.creditNote.reason", vars)}</Text>
      </Section>
      <Text />
      <Button href={url} style={buttonStyle}>
        {t("email.creditNote.action")}
      </Button>
      <Text style={{ color: "#6b7280", fontSize: "12px" }}>{url}</Text>
      <Text>{t("email.invoice.signature", vars)}</Text>
    </EmailLayout>
  );
}
