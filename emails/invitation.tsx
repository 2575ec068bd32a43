import { Button, Text } from "@react-email/components";
import type { Locale, Translate } from "~/i18n";
import { EmailLayout, buttonStyle } from "./layout";

export function InvitationEmail(props: {
  t: Translate;
  locale: Locale;
  inviter: string;
  organisation: string;
  role: string;
  url: string;
  existingAccount: boolean;
}) {
  const { t, locale, inviter, organisation, role, url, existingAccount } = props;
  return (
    <EmailLayout
      locale={locale}
      preview={t("email.invite.subject", { inviter, org: organisation })}
      footer={t("email.footer", { app: t("app.name"), org: organisation })}
    >
      <Text>{t("email.invite.intro", { inviter, org: organisation, role })}</Text>
      <Button href={url} style={buttonStyle}>
        {existingAccount ? t("email.invite.open") : t("email.invite.action")}
      </Button>
      <Text>{url}</Text>
      <Text style={{ color: "#6b7280" }}>{existingAccount ? t("email.invite.existing", { org: organisation }) : t("email.invite.expiry")}</Text>
    </EmailLayout>
  );
}
