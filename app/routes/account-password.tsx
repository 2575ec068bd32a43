import { redirect, useActionData, useLoaderData } from "react-router";
import { z } from "zod";
import { Card, PageHeader } from "~/components/page";
import { FormMessage } from "~/components/form";
import { NewPasswordForm } from "~/components/password-form";
import { changePassword, verifyUserPassword } from "~/domain/auth";
import { newPasswordWithConfirmation, validate } from "~/domain/validation";
import { useI18n } from "~/i18n/react";
import { readForm } from "~/lib/forms.server";
import { requireUser } from "~/lib/session.server";
import type { Route } from "./+types/account-password";

export async function loader({ request, context }: Route.LoaderArgs) {
  const session = await requireUser(request, context, { allowPendingPassword: true });
  // An invited member choosing a first password has no current password to confirm.
  return { firstPassword: session.user.mustChangePassword || !session.user.passwordHash };
}

export async function action({ request, context }: Route.ActionArgs) {
  const session = await requireUser(request, context, { allowPendingPassword: true });
  const { values } = await readForm(request, context);
  const firstPassword = session.user.mustChangePassword || !session.user.passwordHash;
  const parsed = validate(newPasswordWithConfirmation, values);
  if (!parsed.ok) return { errors: parsed.errors, changed: false };
  if (!firstPassword) {
    const current = z.string().min(1).safeParse(values.currentPassword);
    if (!current.success || !(await verifyUserPassword(context.db, session.userId, current.data))) {
      return { errors: { currentPassword: "errors.currentPasswordWrong" as const }, changed: false };
    }
  }
  await changePassword(context.db, session.userId, session.id, parsed.data.password);
  context.log.info({ userId: session.userId }, "password changed");
  if (firstPassword) return redirect("/invoices");
  return { errors: {}, changed: true };
}

export default function AccountPassword() {
  const { t } = useI18n();
  const { firstPassword } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <div className="max-w-md">
      <PageHeader title={t("auth.changeTitle")} />
      <Card>
        <div className="mb-4">
          {firstPassword ? <FormMessage error="auth.mustChange" /> : null}
          {result?.changed ? <FormMessage success={t("auth.passwordChanged")} /> : null}
        </div>
        <NewPasswordForm errors={result?.errors} askCurrent={!firstPassword} />
      </Card>
    </div>
  );
}
