import { Button, Section, Text } from "@react-email/components";
import type { Locale, Translate } from "~/i18n";
import { formatDate, formatMoney } from "~/lib/format";
import { EmailLayout, buttonStyle } from "./layout";

export interface InvoiceEmailProps {
  t: Translate;
  locale: Locale;
  reminder: boolean;
  customerName: string;
  merchant: { legalName: string; addressLine1: string; postalCode: string; city: string; siret: string };
  invoice: { number: string; totalMinor: number; amountDueMinor: number; currency: string; dueDate: Date };
  url: string;
  onlinePayment: boolean;
}

export function InvoiceEmail({ t, locale, reminder, customerName, merchant, invoice, url, onlinePayment }: InvoiceEmailProps) {
  const amountDue = formatMoney(invoice.amountDueMinor, invoice.currency, locale);
  const dueDate = formatDate(invoice.dueDate, locale);
  const vars = { name: customerName, merchant: merchant.legalName, number: invoice.number, amount: amountDue, date: dueDate };
  return (
    <EmailLayout
      locale={locale}
      preview={t(reminder ? "email.invoice.reminderSubject" : "email.invoice.subject", vars)}
      footer={[merchant.legalName, merchant.addressLine1, `${merchant.postalCode} ${merchant.city}`.trim(), merchant.siret ? `SIRET ${merchant.siret}` : ""]
        .filter(Boolean)
        .join(" · ")}
    >
      <Text>{t("email.invoice.greeting", vars)}</Text>
      <Text>{t(reminder ? "email.invoice.reminderIntro" : "email.invoice.intro", vars)}</Text>
      <Section style={{ backgroundColor: "#f3f4f6", padding: "12px 16px", borderRadius: "6px" }}>
        <Text style={{ margin: 0 }}>{t("email.invoice.number", vars)}</Text>
        <Text style={{ margin: 0, fontWeight: 700 }}>{t("email.invoice.amountDue", vars)}</Text>
        <Text style={{ margin: 0 }}>{t("email.invoice.dueDate", vars)}</Text>
      </Section>
      <Text />
      <Button href={url} style={buttonStyle}>
        {t(onlinePayment ? "email.invoice.actionPay" : "email.invoice.action")}
      </Button>
      <Text style={{ color: "#6b7280", fontSize: "12px" }}>{url}</Text>
      <Text>{t("email.invoice.signature", vars)}</Text>
    </EmailLayout>
  );
}
