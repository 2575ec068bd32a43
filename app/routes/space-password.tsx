import { redirect, useActionData, useLoaderData } from "react-router";
import { z } from "zod";
import { FormMessage } from "~/components/form";
import { NewPasswordForm } from "~/components/password-form";
import { changeCustomerPassword, verifyCustomerPassword } from "~/domain/customer-space/access";
import { newPasswordWithConfirmation } from "~/domain/validation";
import { useI18n } from "~/i18n/react";
import { requireCustomer } from "~/lib/customer-session.server";
import { spaceHome } from "~/lib/space-path";
import { parseForm, refuse, replyTo } from "~/lib/forms.server";
import type { Route } from "./+types/space-password";

const changePasswordSchema = z.intersection(newPasswordWithConfirmation, z.object({ currentPassword: z.string().max(256).optional() }));

export async function loader({ request, params, context }: Route.LoaderArgs) {
  const { access } = await requireCustomer(request, context, params.orgId, { allowPendingPassword: true });
  return { temporary: access.mustChangePassword };
}

export async function action({ request, params, context }: Route.ActionArgs) {
  const { session, access, organisation } = await requireCustomer(request, context, params.orgId, { allowPendingPassword: true });
  const submission = await parseForm(request, context, changePasswordSchema);
  if (submission.status !== "success") return refuse(submission);
  const { password, currentPassword } = submission.value;
  if (access.mustChangePassword) {
    // The temporary password was handed over by someone else: it cannot stay the customer's own.
    if (await verifyCustomerPassword(context.db, access.id, password))
      return refuse(submission, { fieldErrors: { password: ["space.password.sameAsTemporary"] } });
  } else if (!(currentPassword && (await verifyCustomerPassword(context.db, access.id, currentPassword)))) {
    return refuse(submission, { fieldErrors: { currentPassword: ["errors.currentPasswordWrong"] } });
  }
  await changeCustomerPassword(context.db, access.id, session.id, password, new Date());
  context.log.info({ accessId: access.id }, "customer password changed");
  if (access.mustChangePassword) return redirect(spaceHome(organisation.id));
  return { result: replyTo(submission, { resetForm: true }), changed: true };
}

export default function SpacePassword() {
  const { t } = useI18n();
  const { temporary } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <section className="mx-auto max-w-md rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
      <title>{`${t("auth.changeTitle")} — ${t("app.name")}`}</title>
      <h1 className="mb-4 text-xl font-semibold">{t("auth.changeTitle")}</h1>
      <div className="mb-4">
        {temporary ? <FormMessage error="space.password.mustChange" /> : null}
        {actionData && "changed" in actionData ? <FormMessage success={t("auth.passwordChanged")} /> : null}
      </div>
      <NewPasswordForm lastResult={actionData?.result} askCurrent={!temporary} />
    </section>
  );
}
