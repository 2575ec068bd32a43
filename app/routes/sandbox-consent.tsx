import { Form, redirect, useLoaderData } from "react-router";
import { AuthCard } from "~/components/auth-card";
import { CsrfInput, Field, FormMessage, buttonClass, secondaryButtonClass } from "~/components/form";
import { useI18n } from "~/i18n/react";
import { readForm } from "~/lib/forms.server";
import { notFound } from "~/lib/http.server";
import { encodeSandboxCode, sandboxId } from "../../integrations/sandbox/state";
import { isProviderId, type ProviderId } from "../../integrations/types";
import type { Route } from "./+types/sandbox-consent";

/** The offline stand-in for the providers' OAuth consent pages; it exists only while a provider is sandboxed. */
function sandboxProvider(context: Route.LoaderArgs["context"], id: string | undefined): ProviderId {
  if (!isProviderId(id) || !context.providers.get(id).sandbox) notFound();
  return id as ProviderId;
}

function validRequest(context: Route.LoaderArgs["context"], provider: ProviderId, query: URLSearchParams) {
  const settings = context.providers.settings[provider];
  const redirectUri = query.get("redirect_uri") ?? "";
  // Like the real providers: only the registered redirect URI, only the registered client.
  return query.get("client_id") === settings.clientId && redirectUri === `${context.config.APP_URL}/oauth/${provider}/callback` && Boolean(query.get("state"));
}

export async function loader({ request, params, context }: Route.LoaderArgs) {
  const provider = sandboxProvider(context, params.provider);
  const query = new URL(request.url).searchParams;
  return {
    provider,
    valid: validRequest(context, provider, query),
    signup: query.get("initial_view") === "signup" || query.get("stripe_landing") === "register",
    suggested: {
      accountId: provider === "gocardless" ? sandboxId("OR", 12) : `acct_${sandboxId("", 16)}`,
      name: query.get("prefill[organisation_name]") ?? "Compte de démonstration",
      email: query.get("prefill[email]") ?? query.get("stripe_user[email]") ?? "",
    },
  };
}

export async function action({ request, params, context }: Route.ActionArgs) {
  const provider = sandboxProvider(context, params.provider);
  const query = new URL(request.url).searchParams;
  if (!validRequest(context, provider, query)) notFound();
  const { values, intent } = await readForm(request, context);
  const back = new URL(query.get("redirect_uri")!);
  back.searchParams.set("state", query.get("state")!);
  if (intent === "approve") {
    const accountId = (values.accountId ?? "").trim().slice(0, 40) || sandboxId("OR", 12);
    back.searchParams.set(
      "code",
      encodeSandboxCode({ provider, accountId, name: (values.name ?? "").trim().slice(0, 80), email: (values.email ?? "").trim().slice(0, 120) }),
    );
  } else {
    back.searchParams.set("error", "access_denied");
    back.searchParams.set("error_description", "The user denied your request");
  }
  return redirect(back.toString());
}

export default function SandboxConsent() {
  const { t } = useI18n();
  const { provider, valid, signup, suggested } = useLoaderData<typeof loader>();
  const name = t(`providers.${provider}`);
  return (
    <AuthCard title={t("sandbox.title", { provider: name })}>
      {!valid ? (
        <FormMessage error="sandbox.invalidRequest" />
      ) : (
        <Form method="post" className="space-y-4">
          <CsrfInput />
          <p className="text-sm text-amber-700">{t("providers.sandboxNotice")}</p>
          <p>{t("sandbox.consent", { app: t("app.name"), provider: name })}</p>
          <p className="text-sm text-slate-600">{signup ? t("sandbox.signup") : t("sandbox.login")}</p>
          <Field name="name" label={t("sandbox.accountName")} defaultValue={suggested.name} />
          <Field name="accountId" label={t("sandbox.accountId")} defaultValue={suggested.accountId} />
          <Field name="email" type="email" label={t("sandbox.email")} defaultValue={suggested.email} />
          <div className="flex gap-3">
            <button name="intent" value="approve" className={buttonClass}>
              {t("sandbox.approve")}
            </button>
            <button name="intent" value="deny" className={secondaryButtonClass}>
              {t("sandbox.deny")}
            </button>
          </div>
        </Form>
      )}
    </AuthCard>
  );
}
