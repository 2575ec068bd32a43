import { Button, Text } from "@react-email/components";
import { type Locale, translator } from "~/i18n";
import { EmailLayout, buttonStyle } from "./layout";

/**
 * The customer space's emails (issue 14), as stored templates (./templates.ts): plain-data props,
 * rendered by the worker. The access code and the reset link's token are never in the props: they are the
 * outbox's sealed secret, put in at delivery in place of BEARER_TOKEN (app/domain/outbox.ts).
 */
export function CustomerSpaceInvitationEmail(props: { locale: Locale; merchant: string; name: string; url: string; code: string; expiresOn: string }) {
  const { locale, merchant, name, url, code, expiresOn } = props;
  const t = translator(locale);
  return (
    <EmailLayout locale={locale} preview={t("space.email.invite.subject", { merchant })} footer={t("email.footer", { app: t("app.name"), org: merchant })}>
      <Text>{t("space.email.invite.intro", { name, merchant })}</Text>
      <Text>{t("space.email.invite.code")}</Text>
      <Text style={{ fontSize: "22px", fontFamily: "monospace", letterSpacing: "2px", fontWeight: 700 }}>{code}</Text>
      <Button href={url} style={buttonStyle}>
        {t("space.email.invite.action")}
      </Button>
      <Text>{url}</Text>
      <Text style={{ color: "#6b7280" }}>{t("space.email.invite.expiry", { date: expiresOn })}</Text>
    </EmailLayout>
  );
}

export function CustomerSpaceResetEmail({ locale, merchant, name, url }: { locale: Locale; merchant: string; name: string; url: string }) {
  const t = translator(locale);
  return (
    <EmailLayout locale={locale} preview={t("space.email.reset.subject", { merchant })} footer={t("email.footer", { app: t("app.name"), org: merchant })}>
      <Text>{t("space.email.reset.intro", { name, merchant })}</Text>
      <Button href={url} style={buttonStyle}>
        {t("email.reset.action")}
      </Button>
      <Text>{url}</Text>
      <Text style={{ color: "#6b7280" }}>{t("email.reset.expiry")}</Text>
    </EmailLayout>
  );
}
