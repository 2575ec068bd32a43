import { useForm } from "@conform-to/react";
import { Form, Link, useActionData, useLoaderData } from "react-router";
import { z } from "zod";
import { Checkbox, CsrfInput, FieldError, FormErrors, buttonClass, inputClass } from "~/components/form";
import { Card } from "~/components/page";
import { ReturnNotice } from "~/components/return-notice";
import { accountToPay, balanceAmount } from "~/domain/accounts/pay-balance";
import { liveRecurrentMandate } from "~/domain/debits/service";
import { balancePayer, openCheckout, providerOptions, returnState } from "~/domain/checkout";
import { listConnections } from "~/domain/connections";
import { CURRENCIES } from "~/domain/money";
import { checkbox } from "~/domain/validation";
import { useI18n } from "~/i18n/react";
import { requireCustomer, spaceLocale } from "~/lib/customer-session.server";
import { minorToInput } from "~/lib/format";
import { parseForm, refuse } from "~/lib/forms.server";
import { spaceHome, spacePath } from "~/lib/space-path";
import { isProviderId, PROVIDERS } from "../../integrations/types";
import type { Route } from "./+types/space-pay";

/**
 * "Payer votre solde" (issue 14): the amount defaults to what is left to pay once the money already on
 * its way arrives, can be lowered, and goes above only once confirmed (the rest stays as credit). The
 * payment is spread over the oldest invoices due when the provider confirms it (domain/payments.ts).
 */
async function payable(context: Route.LoaderArgs["context"], organisationId: string, customerId: string) {
  const [toPay, connections] = await Promise.all([accountToPay(context.db, organisationId, customerId), listConnections(context.db, organisationId)]);
  return toPay.map((account) => ({ ...account, options: providerOptions(account.currency, connections, context.providers) }));
}

export async function loader({ request, params, context }: Route.LoaderArgs) {
  const { customer, organisation } = await requireCustomer(request, context, params.orgId);
  // Back from the provider's page: where that payment stands (waiting for its news, on its way, done).
  const returnedFrom = new URL(request.url).searchParams.get("return");
  const returned = isProviderId(returnedFrom)
    ? { provider: returnedFrom, outcome: await returnState(context.db, { customerId: customer.id, invoiceId: null }, returnedFrom) }
    : null;
  const [locale, accounts] = await Promise.all([spaceLocale(request, context, organisation.id), payable(context, organisation.id, customer.id)]);
  return {
    orgId: organisation.id,
    merchant: organisation.legalName,
    returned,
    // Issue 15: in automatic debit, the balance is collected on the mandate: nothing to pay from here.
    automatic: Boolean(await liveRecurrentMandate(context.db, organisation.id, customer.id)),
    accounts: accounts.map((a) => ({ ...a, defaultAmount: a.toPayMinor > 0 ? minorToInput(a.toPayMinor, a.currency, locale) : "" })),
  };
}

const paySchema = z.object({
  currency: z.enum(CURRENCIES, { error: "errors.invalid" }),
  provider: z.enum(PROVIDERS, { error: "checkout.errors.unavailableMethod" }),
  amount: z.preprocess((v) => (typeof v === "string" ? v : ""), z.string().max(40, "errors.amount")),
  confirmAbove: checkbox,
});

export async function action({ request, params, context }: Route.ActionArgs) {
  const { customer, organisation } = await requireCustomer(request, context, params.orgId);
  const submission = await parseForm(request, context, paySchema);
  if (submission.status !== "success") return refuse(submission);
  if (await liveRecurrentMandate(context.db, organisation.id, customer.id)) return refuse(submission, { formErrors: ["debits.automaticInstead"] });
  const { currency, provider, amount, confirmAbove } = submission.value;
  const account = (await payable(context, organisation.id, customer.id)).find((a) => a.currency === currency);
  if (!account) return refuse(submission, { formErrors: ["balance.errors.nothingToPay"] });
  if (!account.options.some((o) => o.provider === provider && o.available)) return refuse(submission, { formErrors: ["checkout.errors.unavailableMethod"] });
  const asked = balanceAmount(amount, account, confirmAbove);
  if (!asked.ok) return refuse(submission, { fieldErrors: { [asked.field]: [asked.error] } });
  const pageUrl = `${context.config.APP_URL}${spacePath(organisation.id, "/payer")}`;
  const result = await openCheckout(
    { db: context.db, providers: context.providers, encryptionKey: context.config.ENCRYPTION_KEY, log: context.log },
    { payer: balancePayer(customer, currency), provider, amountMinor: asked.amountMinor, returnUrl: `${pageUrl}?return=${provider}`, cancelUrl: pageUrl },
    new Date(),
  );
  if (!result.ok) return refuse(submission, { formErrors: [result.error] });
  // A full-page redirect to the provider's hosted page.
  return new Response(null, { status: 303, headers: { Location: result.url } });
}

export default function SpacePay() {
  const { t, money } = useI18n();
  const { orgId, merchant, accounts, returned, automatic } = useLoaderData<typeof loader>();
  // Nothing is offered again while the payment just made has not been heard of (it would be paid twice),
  // nor in automatic debit (the balance is collected on the mandate).
  const awaiting = returned?.outcome?.state === "awaiting";
  const due = awaiting || automatic ? [] : accounts.filter((a) => a.toPayMinor > 0);
  return (
    <div className="space-y-6">
      <title>{`${t("space.pay.button")} — ${merchant}`}</title>
      <h1 className="text-2xl font-bold">{t("space.pay.button")}</h1>
      <ReturnNotice returned={returned} unpaid currency={accounts[0]?.currency ?? "EUR"} />
      {accounts
        .filter((a) => a.inFlightMinor > 0)
        .map((a) => (
          <p key={a.currency} className="rounded-md border border-sky-200 bg-sky-50 p-3 text-sm text-sky-900" role="status">
            {t("balance.inFlight", { amount: money(a.inFlightMinor, a.currency) })}
          </p>
        ))}
      {automatic ? (
        <Card>
          <p data-testid="automatic-debit">{t("debits.automaticInstead")}</p>
          <Link className="text-sm text-blue-700 hover:underline" to={spacePath(orgId, "/prelevement")}>
            {t("space.nav.debit")}
          </Link>
        </Card>
      ) : due.length === 0 && !awaiting ? (
        <Card>
          <p data-testid="nothing-to-pay">{t("balance.nothingToPay")}</p>
        </Card>
      ) : null}
      {due.map((account) => (
        <PayCard key={account.currency} account={account} />
      ))}
      <p className="text-sm">
        <Link className="text-blue-700 hover:underline" to={spaceHome(orgId)}>
          {t("common.back")}
        </Link>
      </p>
    </div>
  );
}

type PayableAccount = ReturnType<typeof useLoaderData<typeof loader>>["accounts"][number];

function PayCard({ account }: { account: PayableAccount }) {
  const { t, money } = useI18n();
  const result = useActionData<typeof action>()?.result;
  const [form, fields] = useForm<{ amount: string; provider: string; confirmAbove: string }>({
    id: `pay-${account.currency}`,
    lastResult: result,
    defaultValue: { amount: account.defaultAmount },
  });
  const toPay = money(account.toPayMinor, account.currency);
  return (
    <Card title={t("balance.toPay", { amount: toPay })}>
      <Form method="post" className="space-y-4" id={form.id} onSubmit={form.onSubmit} noValidate>
        <CsrfInput />
        <input type="hidden" name="currency" value={account.currency} />
        <FormErrors result={result} placed={["amount", "confirmAbove"]} />
        <div>
          <label htmlFor={fields.amount.id} className="mb-1 block text-sm font-medium">
            {t("public.amount")} ({account.currency})
          </label>
          <input
            key={fields.amount.key}
            id={fields.amount.id}
            name={fields.amount.name}
            inputMode="decimal"
            defaultValue={fields.amount.initialValue ?? ""}
            aria-invalid={fields.amount.errors ? true : undefined}
            aria-describedby={fields.amount.errors ? fields.amount.errorId : undefined}
            className={`${inputClass} max-w-48`}
          />
          <p className="mt-1 text-xs text-slate-500">{t("balance.amountHint", { amount: toPay })}</p>
          <FieldError id={fields.amount.errorId} errors={fields.amount.errors} />
        </div>
        {/* Asked only once the amount went above what is left to pay. */}
        {fields.confirmAbove.errors?.length ? (
          <div className="space-y-2 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900">
            <p>{t("balance.aboveWarning", { amount: toPay })}</p>
            <Checkbox meta={fields.confirmAbove} label={t("balance.confirmAbove")} />
            <FieldError id={fields.confirmAbove.errorId} errors={fields.confirmAbove.errors} />
          </div>
        ) : null}
        <div className="flex flex-col gap-3">
          {account.options.map((option) => (
            <div key={option.provider}>
              <button name="provider" value={option.provider} disabled={!option.available} className={`${buttonClass} w-full sm:w-auto`}>
                {t(`public.payWith.${option.method}`)}
              </button>
              <p className="mt-1 text-xs text-slate-500">
                {option.reason ? t(option.reason) : t(option.method === "card" ? "public.cardHint" : "public.directDebitHint")}
              </p>
            </div>
          ))}
          {account.options.length === 0 ? <p className="text-sm text-slate-600">{t("balance.noOnlinePayment")}</p> : null}
        </div>
      </Form>
    </Card>
  );
}
