import { useForm } from "@conform-to/react";
import { Form } from "react-router";
import type { FormResult } from "~/domain/validation";
import { useI18n } from "~/i18n/react";
import { CsrfInput, Field, buttonClass } from "./form";

/** Choosing a new password (reset link, first login, change): the server never sends a typed password back. */
export function NewPasswordForm({ lastResult, askCurrent }: { lastResult?: FormResult | null; askCurrent?: boolean }) {
  const { t } = useI18n();
  const [form, fields] = useForm({ id: "new-password", lastResult });
  return (
    <Form method="post" className="space-y-4" id={form.id} onSubmit={form.onSubmit} noValidate>
      <CsrfInput />
      {askCurrent ? <Field meta={fields.currentPassword} type="password" autoComplete="current-password" label={t("auth.currentPassword")} required /> : null}
      <Field
        meta={fields.password}
        type="password"
        autoComplete="new-password"
        label={t("auth.newPassword")}
        hint={t("auth.passwordHint")}
        required
        minLength={10}
      />
      <Field meta={fields.confirm} type="password" autoComplete="new-password" label={t("auth.passwordConfirm")} required />
      <button className={`${buttonClass} w-full`}>{t("common.save")}</button>
    </Form>
  );
}
