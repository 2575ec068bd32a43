import { redirect, useActionData, useLoaderData } from "react-router";
import { z } from "zod";
import { Card, PageHeader } from "~/components/page";
import { FormMessage } from "~/components/form";
import { NewPasswordForm } from "~/components/password-form";
import { changePassword, verifyUserPassword } from "~/domain/auth";
import { newPasswordWithConfirmation } from "~/domain/validation";
import { useI18n } from "~/i18n/react";
import { parseForm, refuse, replyTo } from "~/lib/forms.server";
import { requireUser } from "~/lib/session.server";
import type { Route } from "./+types/account-password";

const changePasswordSchema = z.intersection(newPasswordWithConfirmation, z.object({ currentPassword: z.string().max(256).optional() }));

export async function loader({ request, context }: Route.LoaderArgs) {
  const session = await requireUser(request, context, { allowPendingPassword: true });
  // An invited member choosing a first password has no current password to confirm.
  return { firstPassword: session.user.mustChangePassword || !session.user.passwordHash };
}

export async function action({ request, context }: Route.ActionArgs) {
  const session = await requireUser(request, context, { allowPendingPassword: true });
  const submission = await parseForm(request, context, changePasswordSchema);
  if (submission.status !== "success") return refuse(submission);
  const { password, currentPassword } = submission.value;
  const firstPassword = session.user.mustChangePassword || !session.user.passwordHash;
  if (!firstPassword && !(currentPassword && (await verifyUserPassword(context.db, session.userId, currentPassword)))) {
    return refuse(submission, { fieldErrors: { currentPassword: ["errors.currentPasswordWrong"] } });
  }
  await changePassword(context.db, session.userId, session.id, password);
  context.log.info({ userId: session.userId }, "password changed");
  if (firstPassword) return redirect("/invoices");
  return { result: replyTo(submission, { resetForm: true }), changed: true };
}

export default function AccountPassword() {
  const { t } = useI18n();
  const { firstPassword } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <div className="max-w-md">
      <PageHeader title={t("auth.changeTitle")} />
      <Card>
        <div className="mb-4">
          {firstPassword ? <FormMessage error="auth.mustChange" /> : null}
          {actionData && "changed" in actionData ? <FormMessage success={t("auth.passwordChanged")} /> : null}
        </div>
        <NewPasswordForm lastResult={actionData?.result} askCurrent={!firstPassword} />
      </Card>
    </div>
  );
}
