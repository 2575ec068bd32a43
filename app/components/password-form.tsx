import { Form } from "react-router";
import type { FieldErrors } from "~/domain/validation";
import { useI18n } from "~/i18n/react";
import { CsrfInput, Field, buttonClass } from "./form";

export function NewPasswordForm({ errors, askCurrent }: { errors?: FieldErrors; askCurrent?: boolean }) {
  const { t } = useI18n();
  return (
    <Form method="post" className="space-y-4" noValidate>
      <CsrfInput />
      {askCurrent ? (
        <Field name="currentPassword" type="password" autoComplete="current-password" label={t("auth.currentPassword")} errors={errors} required />
      ) : null}
      <Field
        name="password"
        type="password"
        autoComplete="new-password"
        label={t("auth.newPassword")}
        hint={t("auth.passwordHint")}
        errors={errors}
        required
        minLength={10}
      />
      <Field name="confirm" type="password" autoComplete="new-password" label={t("auth.passwordConfirm")} errors={errors} required />
      <button className={`${buttonClass} w-full`}>{t("common.save")}</button>
    </Form>
  );
}
