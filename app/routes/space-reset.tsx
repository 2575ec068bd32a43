import { redirect, useActionData, useLoaderData } from "react-router";
import { FormMessage } from "~/components/form";
import { NewPasswordForm } from "~/components/password-form";
import { findUsableCustomerReset, resetCustomerPassword } from "~/domain/customer-space/access";
import { newPasswordWithConfirmation } from "~/domain/validation";
import { useI18n } from "~/i18n/react";
import { requireSpace, startCustomerSession } from "~/lib/customer-session.server";
import { spaceHome } from "~/lib/space-path";
import { parseForm, refuse } from "~/lib/forms.server";
import { countUnknownLink, refuseLinkGuessers } from "~/lib/throttle.server";
import type { Route } from "./+types/space-reset";

export async function loader({ params, context }: Route.LoaderArgs) {
  const organisation = await requireSpace(context, params.orgId);
  await refuseLinkGuessers(context);
  const usable = Boolean(await findUsableCustomerReset(context.db, organisation.id, params.token, new Date()));
  if (!usable) await countUnknownLink(context);
  return { usable };
}

export async function action({ request, params, context }: Route.ActionArgs) {
  const organisation = await requireSpace(context, params.orgId);
  const submission = await parseForm(request, context, newPasswordWithConfirmation);
  if (submission.status !== "success") return refuse(submission);
  await refuseLinkGuessers(context);
  const access = await resetCustomerPassword(context.db, organisation.id, params.token, submission.value.password, new Date());
  if (!access) {
    await countUnknownLink(context);
    return { result: null, invalid: true };
  }
  context.log.info({ accessId: access.id }, "customer password reset");
  return redirect(spaceHome(organisation.id), { headers: { "Set-Cookie": await startCustomerSession(context, access) } });
}

export default function SpaceReset() {
  const { t } = useI18n();
  const { usable } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const invalid = !usable || (actionData && "invalid" in actionData);
  return (
    <section className="mx-auto max-w-md rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
      <title>{`${t("auth.resetTitle")} — ${t("app.name")}`}</title>
      <h1 className="mb-4 text-xl font-semibold">{t("auth.resetTitle")}</h1>
      {invalid ? <FormMessage error="auth.resetInvalid" /> : <NewPasswordForm lastResult={actionData?.result} />}
    </section>
  );
}
