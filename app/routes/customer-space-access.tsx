import { useForm } from "@conform-to/react";
import { Form, Link, useActionData, useLoaderData } from "react-router";
import { z } from "zod";
import { CsrfInput, Field, FormErrors, FormMessage, buttonClass, dangerButtonClass, secondaryButtonClass } from "~/components/form";
import { Card, PageHeader } from "~/components/page";
import { accessOf, accessState, revokeAccess, setTemporaryPassword } from "~/domain/customer-space/access";
import { accountReference } from "~/domain/customer-space/account";
import { inviteToSpace, spaceUrl } from "~/domain/customer-space/invite";
import { getCustomer } from "~/domain/customers";
import { can } from "~/domain/permissions";
import { newPassword } from "~/domain/validation";
import type { MessageKey } from "~/i18n";
import { useI18n } from "~/i18n/react";
import { parseForm, refuse, replyTo } from "~/lib/forms.server";
import { forbidden, notFound } from "~/lib/http.server";
import { requireMember } from "~/lib/session.server";
import type { Route } from "./+types/customer-space-access";

/** The merchant's side of a customer's space (issue 14): invite by email or letter, hand over a temporary password, or close it. */
export async function loader({ request, params, context }: Route.LoaderArgs) {
  const { organisation, role } = await requireMember(request, context, "viewInvoices");
  const customer = (await getCustomer(context.db, organisation.id, params.customerId)) ?? notFound();
  const access = await accessOf(context.db, organisation.id, customer.id);
  return {
    customer: { id: customer.id, name: customer.name, email: customer.email, archived: Boolean(customer.archivedAt) },
    state: accessState(access, new Date()),
    access: access ? { email: access.email, invitedAt: access.invitedAt, activatedAt: access.activatedAt, codeExpiresAt: access.codeExpiresAt } : null,
    url: spaceUrl(context.config.APP_URL, organisation.id),
    reference: accountReference(customer),
    canEdit: can(role, "editCustomers"),
  };
}

const accessActions = z.discriminatedUnion(
  "intent",
  [
    z.object({ intent: z.literal("invite") }),
    z.object({ intent: z.literal("revoke") }),
    z
      .object({ intent: z.literal("temporary"), password: newPassword, confirm: z.string({ error: "errors.required" }) })
      .refine((value) => value.password === value.confirm, { message: "errors.passwordMismatch", path: ["confirm"] }),
  ],
  { error: "errors.unknownAction" },
);

const REFUSALS: Record<string, MessageKey> = {
  noEmail: "space.access.noEmail",
  emailTaken: "space.access.emailTaken",
  archived: "customers.archivedNotice",
};

export async function action({ request, params, context }: Route.ActionArgs) {
  const { organisation, role } = await requireMember(request, context);
  const customer = (await getCustomer(context.db, organisation.id, params.customerId)) ?? notFound();
  if (!can(role, "editCustomers")) forbidden();
  const submission = await parseForm(request, context, accessActions);
  if (submission.status !== "success") return refuse(submission);
  const input = submission.value;
  const now = new Date();
  if (input.intent === "revoke") {
    await revokeAccess(context.db, organisation.id, customer.id);
    context.log.info({ customerId: customer.id }, "customer space closed");
    return { result: replyTo(submission, { resetForm: true }), done: "space.access.revoked" as MessageKey };
  }
  const outcome =
    input.intent === "invite"
      ? await inviteToSpace({ db: context.db, appUrl: context.config.APP_URL, encryptionKey: context.config.ENCRYPTION_KEY }, organisation.id, customer.id, now)
      : await setTemporaryPassword(context.db, organisation.id, customer.id, input.password, now);
  if (!outcome) return notFound();
  if (!outcome.ok && "reason" in outcome) return refuse(submission, { formErrors: [REFUSALS[outcome.reason]] });
  context.log.info({ customerId: customer.id, intent: input.intent }, "customer space access given");
  return {
    result: replyTo(submission, { resetForm: true }),
    done: (input.intent === "invite" ? "space.access.invited" : "space.access.temporarySet") as MessageKey,
  };
}

const STATE_KEYS: Record<string, MessageKey> = {
  none: "space.access.state.none",
  invited: "space.access.state.invited",
  expired: "space.access.state.expired",
  temporary: "space.access.state.temporary",
  active: "space.access.state.active",
};

export default function CustomerSpaceAccess() {
  const { t, date } = useI18n();
  const { customer, state, access, url, reference, canEdit } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [form, fields] = useForm({ id: "space-temporary", lastResult: actionData?.result });
  const usable = canEdit && !customer.archived && Boolean(customer.email);
  return (
    <div className="max-w-3xl space-y-6">
      <PageHeader title={`${t("space.access.title")} — ${customer.name}`}>
        <p className="text-sm">
          <Link className="text-blue-700 hover:underline" to={`/customers/${customer.id}`}>
            {t("common.back")}
          </Link>
        </p>
      </PageHeader>
      {actionData && "done" in actionData ? <FormMessage success={t(actionData.done, { email: customer.email })} /> : null}
      <FormErrors result={actionData?.result} />
      <Card>
        <p data-testid="space-state">
          {t(STATE_KEYS[state], {
            date: access?.codeExpiresAt ? date(access.codeExpiresAt) : "",
            email: access?.email ?? customer.email,
          })}
        </p>
        <dl className="mt-3 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
          <dt className="text-slate-500">{t("space.access.url")}</dt>
          <dd className="font-mono break-all">{url}</dd>
          <dt className="text-slate-500">{t("space.bank.reference")}</dt>
          <dd className="font-mono">{reference}</dd>
        </dl>
        {!customer.email ? <p className="mt-3 text-sm text-amber-800">{t("space.access.noEmail")}</p> : null}
      </Card>
      {usable ? (
        <Card title={t("space.access.inviteTitle")}>
          <p className="mb-3 text-sm text-slate-600">{t("space.access.inviteHint")}</p>
          <div className="flex flex-wrap gap-3">
            <Form method="post">
              <CsrfInput />
              <button name="intent" value="invite" className={buttonClass}>
                {t("space.access.invite")}
              </button>
            </Form>
            {/* A PDF comes back: the browser shows it itself (no client-side navigation). */}
            <Form method="post" action={`/customers/${customer.id}/space/letter`} reloadDocument target="_blank">
              <CsrfInput />
              <button className={secondaryButtonClass}>{t("space.access.letter")}</button>
            </Form>
          </div>
        </Card>
      ) : null}
      {usable ? (
        <Card title={t("space.access.temporaryTitle")}>
          <p className="mb-3 text-sm text-slate-600">{t("space.access.temporaryHint")}</p>
          <Form method="post" className="space-y-4" id={form.id} onSubmit={form.onSubmit} noValidate>
            <CsrfInput />
            <input type="hidden" name="intent" value="temporary" />
            <Field
              meta={fields.password}
              type="password"
              autoComplete="off"
              label={t("space.access.temporaryPassword")}
              hint={t("auth.passwordHint")}
              required
              minLength={10}
            />
            <Field meta={fields.confirm} type="password" autoComplete="off" label={t("auth.passwordConfirm")} required />
            <button className={secondaryButtonClass}>{t("space.access.temporarySubmit")}</button>
          </Form>
        </Card>
      ) : null}
      {canEdit && state !== "none" ? (
        <Form method="post">
          <CsrfInput />
          <button name="intent" value="revoke" className={dangerButtonClass}>
            {t("space.access.revoke")}
          </button>
        </Form>
      ) : null}
    </div>
  );
}
