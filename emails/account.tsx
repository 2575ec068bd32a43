import { Button, Text } from "@react-email/components";
import { type Locale, translator } from "~/i18n";
import { EmailLayout, buttonStyle } from "./layout";
import { PasswordResetEmail } from "./password-reset";

/**
 * The account emails as stored templates (emails/templates.ts): plain-data props, rendered by the worker
 * that delivers them, so the forms that queue them (sign-up, forgotten password) do no rendering and take
 * the same time whatever account the address belongs to.
 */
export function PasswordResetNotice({ locale, name, url }: { locale: Locale; name: string; url: string }) {
  return <PasswordResetEmail t={translator(locale)} locale={locale} name={name} url={url} />;
}

/** To a new address: the link that creates the account (nothing exists until it is followed). */
export function SignupConfirmEmail({ locale, name, url }: { locale: Locale; name: string; url: string }) {
  const t = translator(locale);
  return (
    <EmailLayout locale={locale} preview={t("email.signup.subject")} footer={t("app.name")}>
      <Text>{t("email.signup.intro", { name })}</Text>
      <Button href={url} style={buttonStyle}>
        {t("email.signup.action")}
      </Button>
      <Text>{url}</Text>
      <Text style={{ color: "#6b7280" }}>{t("email.signup.expiry")}</Text>
    </EmailLayout>
  );
}

/** To the owner of an address someone tried to sign up with: they already have an account. */
export function SignupExistingEmail({ locale, name, loginUrl, resetUrl }: { locale: Locale; name: string; loginUrl: string; resetUrl: string }) {
  const t = translator(locale);
  return (
    <EmailLayout locale={locale} preview={t("email.signupExisting.subject")} footer={t("app.name")}>
      <Text>{t("email.signupExisting.intro", { name })}</Text>
      <Button href={loginUrl} style={buttonStyle}>
        {t("email.signupExisting.action")}
      </Button>
      <Text>{t("email.signupExisting.reset", { url: resetUrl })}</Text>
      <Text style={{ color: "#6b7280" }}>{t("email.signupExisting.notYou")}</Text>
    </EmailLayout>
  );
}
