import { Form, redirect, useActionData, useLoaderData } from "react-router";
import { AuthCard } from "~/components/auth-card";
import { CsrfInput, Field, FormMessage, buttonClass, secondaryButtonClass } from "~/components/form";
import { useI18n } from "~/i18n/react";
import { formatMoney } from "~/lib/format";
import { readForm } from "~/lib/forms.server";
import { notFound } from "~/lib/http.server";
import { resolveLocale } from "~/lib/session.server";
import { stripeSessions } from "../../integrations/sandbox/stripe-checkout";
import { sandboxId, sandboxState } from "../../integrations/sandbox/state";
import { sendStripeEvent } from "../../integrations/sandbox/webhooks";
import type { Route } from "./+types/sandbox-stripe-checkout";

/** The offline stand-in for Stripe's hosted Checkout page. */
function session(context: Route.LoaderArgs["context"], id: string) {
  if (!context.providers.stripe.sandbox) notFound();
  return stripeSessions().get(id) ?? notFound();
}

export async function loader({ request, params, context }: Route.LoaderArgs) {
  const s = session(context, params.sessionId);
  const locale = await resolveLocale(request, context);
  return {
    open: s.status === "open" && s.expires_at * 1000 > Date.now(),
    merchant: sandboxState().accounts.get(s.account)?.name ?? s.account,
    amount: formatMoney(s.amount_total, s.currency.toUpperCase(), locale),
    description: s.description,
  };
}

export async function action({ request, params, context }: Route.ActionArgs) {
  const s = session(context, params.sessionId);
  const { values, intent } = await readForm(request, context);
  if (intent === "cancel") return redirect(s.cancel_url);
  if (s.status !== "open") return { declined: false, closed: true };
  if ((values.card ?? "").replace(/\s/g, "") === "4000000000000002") return { declined: true, closed: false };
  s.status = "complete";
  s.payment_status = "paid";
  s.payment_intent = `pi_${sandboxId("", 24)}`;
  s.url = null;
  // Like Stripe, the event is delivered to the Connect webhook endpoint, signed, with the connected account.
  await sendStripeEvent("checkout.session.completed", { ...s }, s.account);
  return redirect(s.success_url.replace("{CHECKOUT_SESSION_ID}", s.id));
}

export default function SandboxCheckout() {
  const { t } = useI18n();
  const { open, merchant, amount, description } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <AuthCard title={t("sandbox.checkoutTitle")}>
      {!open || result?.closed ? (
        <FormMessage error="sandbox.sessionClosed" />
      ) : (
        <Form method="post" className="space-y-4">
          <CsrfInput />
          <p className="text-sm text-amber-700">{t("providers.sandboxNotice")}</p>
          <p>{t("sandbox.payTo", { merchant })}</p>
          <p className="text-sm text-slate-600">{description}</p>
          <p className="text-2xl font-bold" data-testid="checkout-amount">
            {amount}
          </p>
          {result?.declined ? <FormMessage error="sandbox.declined" /> : null}
          <Field name="card" label={t("sandbox.cardNumber")} defaultValue="4242 4242 4242 4242" inputMode="numeric" autoComplete="cc-number" />
          <div className="flex flex-wrap gap-3">
            <button name="intent" value="pay" className={buttonClass}>
              {t("sandbox.pay", { amount })}
            </button>
            <button name="intent" value="cancel" className={secondaryButtonClass}>
              {t("sandbox.cancel")}
            </button>
          </div>
        </Form>
      )}
    </AuthCard>
  );
}
