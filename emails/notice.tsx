import { Button, Text } from "@react-email/components";
import type { Locale } from "~/i18n";
import { EmailLayout, buttonStyle } from "./layout";

/** A short notice: a few sentences and, optionally, one button. Used for payment notifications and receipts. */
export function NoticeEmail({
  locale,
  preview,
  paragraphs,
  action,
  footer,
}: {
  locale: Locale;
  preview: string;
  paragraphs: string[];
  action?: { label: string; url: string };
  footer: string;
}) {
  return (
    <EmailLayout locale={locale} preview={preview} footer={footer}>
      {paragraphs.map((text, i) => (
        <Text key={i}>{text}</Text>
      ))}
      {action ? (
        <Button href={action.url} style={buttonStyle}>
          {action.label}
        </Button>
      ) : null}
    </EmailLayout>
  );
}
