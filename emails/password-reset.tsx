import { Button, Text } from "@react-email/components";
import type { Locale, Translate } from "~/i18n";
import { EmailLayout, buttonStyle } from "./layout";

export function PasswordResetEmail({ t, locale, name, url }: { t: Translate; locale: Locale; name: string; url: string }) {
  return (
    <EmailLayout locale={locale} preview={t("email.reset.subject")} footer={t("app.name")}>
      <Text>{t("email.reset.intro", { name })}</Text>
      <Button href={url} style={buttonStyle}>
        {t("email.reset.action")}
      </Button>
      <Text>{url}</Text>
      <Text style={{ color: "#6b7280" }}>{t("email.reset.expiry")}</Text>
    </EmailLayout>
  );
}
