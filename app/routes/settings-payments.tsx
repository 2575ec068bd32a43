import { Form, redirect, useActionData, useLoaderData, useSearchParams } from "react-router";
import { z } from "zod";
import { Checkbox, CsrfInput, FormErrors, FormMessage, buttonClass, inputClass, secondaryButtonClass } from "~/components/form";
import { ConfirmLink, ConfirmStep, confirmHref } from "~/components/confirm";
import { Card, PageHeader } from "~/components/page";
import {
  answerOnlinePaymentDefault,
  countSentWithoutOnlinePayment,
  disconnect,
  listConnectionsWithConnector,
  paymentsInFlightByProvider,
  setOnlinePaymentDefault,
  startConnection,
} from "~/domain/connections";
import { listMembers, setPaymentsContact } from "~/domain/organisations";
import { can } from "~/domain/permissions";
import { checkbox, idField, optionalText } from "~/domain/validation";
import { isMessageKey, type MessageKey } from "~/i18n";
import { useI18n } from "~/i18n/react";
import { parseForm, refuse } from "~/lib/forms.server";
import { forbidden, notFound } from "~/lib/http.server";
import { requireMember, resolveLocale } from "~/lib/session.server";
import { PROVIDERS } from "../../integrations/types";
import type { Route } from "./+types/settings-payments";

/** The page's forms are buttons and hidden inputs: one schema, one branch per button's `intent`. */
const paymentSettingsSchema = z.discriminatedUnion(
  "intent",
  [
    z.object({
      intent: z.literal("connect"),
      provider: z.enum(PROVIDERS, { error: "errors.invalid" }),
      mode: z.enum(["login", "signup"]).catch("login"),
    }),
    // Destructive: done only with `confirmed=yes`, sent by the confirmation step.
    z.object({ intent: z.literal("disconnect"), connectionId: idField, confirmed: optionalText(3) }),
    z.object({ intent: z.literal("paymentsContact"), paymentsContactId: idField }),
    z.object({ intent: z.literal("onlineDefault"), onlinePaymentDefault: checkbox }),
    // The question asked after the first provider is connected.
    z.object({ intent: z.literal("answerOnlineDefault"), byDefault: z.enum(["yes", "no"], { error: "errors.required" }), alsoSent: checkbox }),
  ],
  { error: "errors.unknownAction" },
);

export async function loader({ request, context }: Route.LoaderArgs) {
  const { organisation, role } = await requireMember(request, context);
  const [connections, members, sentWithoutOnlinePayment, inFlight] = await Promise.all([
    listConnectionsWithConnector(context.db, organisation.id),
    listMembers(context.db, organisation.id),
    countSentWithoutOnlinePayment(context.db, organisation.id),
    paymentsInFlightByProvider(context.db, organisation.id),
  ]);
  return {
    members: members.map((m) => ({ id: m.userId, name: m.user.name, email: m.user.email })),
    paymentsContactId: organisation.paymentsContactId ?? "",
    canManage: can(role, "connectProviders"),
    onlinePaymentDefault: organisation.onlinePaymentDefault,
    sentWithoutOnlinePayment,
    sandbox: { gocardless: context.providers.gocardless.sandbox, stripe: context.providers.stripe.sandbox },
    connections: connections.map((c) => ({
      id: c.id,
      provider: c.provider,
      accountId: c.accountId,
      accountName: c.accountName,
      environment: c.environment,
      connectedAt: c.connectedAt,
      connectedBy: c.connectedByName ?? "—",
      revoked: Boolean(c.revokedAt),
      paymentsInFlight: inFlight[c.provider] ?? 0,
    })),
  };
}

export async function action({ request, context }: Route.ActionArgs) {
  const { organisation, session, user, role } = await requireMember(request, context);
  const submission = await parseForm(request, context, paymentSettingsSchema);
  if (!can(role, "connectProviders")) forbidden();
  if (submission.status !== "success") return refuse(submission);
  const input = submission.value;
  switch (input.intent) {
    case "connect": {
      const provider = context.providers.get(input.provider);
      const state = await startConnection(
        context.db,
        { provider: provider.id, sessionId: session.id, organisationId: organisation.id, userId: user.id },
        new Date(),
      );
      return redirect(
        provider.authorizeUrl({
          state,
          redirectUri: `${context.config.APP_URL}/oauth/${provider.id}/callback`,
          locale: await resolveLocale(request, context),
          signup: input.mode === "signup",
          email: user.email,
          organisationName: organisation.legalName,
        }),
      );
    }
    case "disconnect": {
      if (input.confirmed !== "yes") return redirect(confirmHref("/settings/payments", "disconnect", { connection: input.connectionId }));
      const deps = { db: context.db, providers: context.providers, encryptionKey: context.config.ENCRYPTION_KEY, log: context.log };
      const removed = (await disconnect(deps, organisation.id, input.connectionId)) ?? notFound();
      return redirect(`/settings/payments?disconnected=${removed.provider}`);
    }
    case "paymentsContact":
      if (!(await setPaymentsContact(context.db, organisation.id, input.paymentsContactId || null))) notFound();
      return redirect("/settings/payments?saved=1");
    case "onlineDefault":
      await setOnlinePaymentDefault(context.db, organisation.id, input.onlinePaymentDefault);
      return redirect("/settings/payments?saved=1");
    case "answerOnlineDefault": {
      const enabled = await answerOnlinePaymentDefault(context.db, organisation.id, { byDefault: input.byDefault === "yes", alsoSent: input.alsoSent });
      return redirect(`/settings/payments?saved=1${enabled ? `&enabled=${enabled}` : ""}`);
    }
  }
}

export default function PaymentSettings() {
  const { t, date } = useI18n();
  const { canManage, connections, onlinePaymentDefault, sentWithoutOnlinePayment, sandbox, members, paymentsContactId } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [params] = useSearchParams();
  const error = params.get("error");
  const connected = params.get("connected");
  const disconnected = params.get("disconnected");
  const providerName = (id: string | null) => (id === "gocardless" || id === "stripe" ? t(`providers.${id}`) : "");
  return (
    <div className="max-w-3xl space-y-6">
      <PageHeader title={t("providers.title")}>
        <p className="text-sm text-slate-600">{t("providers.intro")}</p>
      </PageHeader>
      <FormErrors result={actionData?.result} placed={[]} />
      {error && isMessageKey(error) && error.startsWith("providers.errors.") ? <FormMessage error={error as MessageKey} /> : null}
      {connected ? <FormMessage success={t("providers.connected", { provider: providerName(connected), name: params.get("name") ?? "" })} /> : null}
      {disconnected ? <FormMessage success={t("providers.disconnected", { provider: providerName(disconnected) })} /> : null}
      {params.get("saved") ? <FormMessage success={t("providers.onlineDefaultSaved")} /> : null}
      {Number(params.get("enabled")) > 0 ? <FormMessage success={t("providers.askDefault.enabledOnSent", { count: Number(params.get("enabled")) })} /> : null}
      {connected && params.get("ask") === "onlineDefault" && canManage ? <OnlineDefaultQuestion sentWithoutOnlinePayment={sentWithoutOnlinePayment} /> : null}
      {!canManage ? <p className="text-sm text-slate-600">{t("providers.onlyAdmins")}</p> : null}
      {PROVIDERS.map((provider) => {
        const connection = connections.find((c) => c.provider === provider);
        const methods = provider === "gocardless" ? t("providers.method.direct_debit") : t("providers.method.card");
        return (
          <Card key={provider} title={`${t(`providers.${provider}`)} — ${methods}`}>
            {sandbox[provider] ? <p className="mb-3 text-xs text-amber-700">{t("providers.sandboxNotice")}</p> : null}
            {connection ? (
              <div className="space-y-2 text-sm" data-testid={`connection-${provider}`}>
                <p className="font-medium">{t("providers.connectedAs", { name: connection.accountName || connection.accountId })}</p>
                <p>
                  {t("providers.accountId")} : <code>{connection.accountId}</code>
                </p>
                <p>
                  {t("providers.environment")} : {t(`providers.env.${connection.environment === "live" ? "live" : "sandbox"}`)}
                </p>
                <p className="text-slate-600">{t("providers.connectedBy", { name: connection.connectedBy, date: date(connection.connectedAt) })}</p>
                {canManage ? (
                  params.get("confirm") === "disconnect" && params.get("connection") === connection.id ? (
                    <ConfirmStep
                      title={t("confirm.disconnect.title", { provider: t(`providers.${provider}`) })}
                      intent="disconnect"
                      hidden={{ connectionId: connection.id }}
                      confirmLabel={t("confirm.disconnect.yes", { provider: t(`providers.${provider}`) })}
                      cancelLabel={t("confirm.disconnect.no")}
                      cancelTo="/settings/payments"
                    >
                      <p>
                        {t("confirm.disconnect.body", {
                          provider: t(`providers.${provider}`),
                          method: t(`payments.inFlightMethod.${provider === "gocardless" ? "direct_debit" : "card"}`),
                        })}
                      </p>
                      {connection.paymentsInFlight ? (
                        <p className="font-semibold">
                          {t("confirm.disconnect.inFlight", { provider: t(`providers.${provider}`), count: connection.paymentsInFlight })}
                        </p>
                      ) : null}
                    </ConfirmStep>
                  ) : (
                    <ConfirmLink to={confirmHref("/settings/payments", "disconnect", { connection: connection.id })}>{t("providers.disconnect")}</ConfirmLink>
                  )
                ) : null}
              </div>
            ) : (
              <div className="space-y-3">
                <p className="text-sm text-slate-600">{t("providers.notConnected")}</p>
                {canManage ? (
                  <Form method="post" className="flex flex-wrap gap-2">
                    <CsrfInput />
                    <input type="hidden" name="intent" value="connect" />
                    <input type="hidden" name="provider" value={provider} />
                    <button name="mode" value="login" className={buttonClass}>
                      {t("providers.connectExisting")}
                    </button>
                    <button name="mode" value="signup" className={secondaryButtonClass}>
                      {t("providers.createAccount")}
                    </button>
                  </Form>
                ) : null}
              </div>
            )}
          </Card>
        );
      })}
      <Card>
        <Form method="post" className="flex flex-wrap items-center gap-4">
          <CsrfInput />
          <Checkbox name="onlinePaymentDefault" label={t("providers.onlineDefault")} defaultChecked={onlinePaymentDefault} />
          {canManage ? (
            <button name="intent" value="onlineDefault" className={secondaryButtonClass}>
              {t("common.save")}
            </button>
          ) : null}
        </Form>
      </Card>
      <Card title={t("notifications.paymentsContact")}>
        <Form method="post" className="flex flex-wrap items-end gap-3">
          <CsrfInput />
          <label className="text-sm">
            <span className="mb-1 block text-slate-600">{t("notifications.paymentsContactHint")}</span>
            <select name="paymentsContactId" defaultValue={paymentsContactId} className={inputClass} disabled={!canManage}>
              <option value="">{t("notifications.defaultOwner")}</option>
              {members.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.name} ({m.email})
                </option>
              ))}
            </select>
          </label>
          {canManage ? (
            <button name="intent" value="paymentsContact" className={secondaryButtonClass}>
              {t("common.save")}
            </button>
          ) : null}
        </Form>
      </Card>
    </div>
  );
}

/** Asked once the first provider is connected: online payment is offered by default unless the merchant says no. */
function OnlineDefaultQuestion({ sentWithoutOnlinePayment }: { sentWithoutOnlinePayment: number }) {
  const { t } = useI18n();
  return (
    <section
      aria-labelledby="online-default-title"
      className="rounded-lg border-2 border-blue-300 bg-white p-5 shadow-sm"
      data-testid="online-default-question"
    >
      <Form method="post" className="space-y-3">
        <CsrfInput />
        <fieldset className="space-y-2">
          <legend id="online-default-title" className="mb-1 text-lg font-semibold">
            {t("providers.askDefault.title")}
          </legend>
          <p className="text-sm text-slate-600">{t("providers.askDefault.intro")}</p>
          <label className="flex items-center gap-2 text-sm">
            <input type="radio" name="byDefault" value="yes" defaultChecked className="h-4 w-4" />
            {t("providers.askDefault.yes")}
          </label>
          <label className="flex items-center gap-2 text-sm">
            <input type="radio" name="byDefault" value="no" className="h-4 w-4" />
            {t("providers.askDefault.no")}
          </label>
        </fieldset>
        {sentWithoutOnlinePayment > 0 ? <Checkbox name="alsoSent" label={t("providers.askDefault.alsoSent", { count: sentWithoutOnlinePayment })} /> : null}
        <button name="intent" value="answerOnlineDefault" className={buttonClass}>
          {t("providers.askDefault.submit")}
        </button>
      </Form>
    </section>
  );
}
