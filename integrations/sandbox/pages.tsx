/**
 * The providers' hosted pages, offline: OAuth consent, Stripe Checkout and GoCardless's mandate flow.
 * Like the real ones they live with the provider (here the sandbox service), not in the app: a browser
 * is sent to them, and they redirect back to the app and post signed webhooks to it.
 */
import { http, HttpResponse } from "msw";
import type { ReactNode } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { type Locale, localeFromAcceptLanguage, type MessageKey, translator } from "~/i18n";
import { normaliseIban } from "~/domain/identifiers";
import { formatMoney } from "~/lib/format";
import { fulfilBillingRequest, gcBillingRequests, gcFlows, gcMandates } from "./gocardless-payments";
import { encodeSandboxCode, SANDBOX_PAGES_ORIGIN, sandboxId, sandboxState } from "./state";
import { stripeSessions } from "./stripe-checkout";
import { sendGoCardlessEvents, sendStripeEvent } from "./webhooks";

const PAGES = `${SANDBOX_PAGES_ORIGIN}/pages`;

function localeOf(request: Request, preferred?: string | null): Locale {
  return preferred === "en" || preferred === "fr" ? preferred : localeFromAcceptLanguage(request.headers.get("accept-language"));
}

function page(locale: Locale, title: string, body: ReactNode, status = 200) {
  const t = translator(locale);
  const html = renderToStaticMarkup(
    <html lang={locale}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{title}</title>
        <style>{`body{font-family:system-ui,sans-serif;background:#f1f5f9;color:#0f172a;margin:0}main{max-width:28rem;margin:3rem auto;background:#fff;border:1px solid #e2e8f0;border-radius:.5rem;padding:1.5rem}
label{display:block;margin:.75rem 0 .25rem;font-size:.9rem}input[type=text],input[type=email]{width:100%;box-sizing:border-box;padding:.5rem;border:1px solid #cbd5e1;border-radius:.375rem}
button{margin:1rem .5rem 0 0;padding:.5rem 1rem;border-radius:.375rem;border:1px solid #1e40af;background:#1e40af;color:#fff}button[value=deny],button[value=cancel],button[value=exit]{background:#fff;color:#1e40af}
.notice{color:#b45309;font-size:.85rem}.error{color:#b91c1c}.amount{font-size:1.6rem;font-weight:700}`}</style>
      </head>
      <body>
        <main>
          <p className="notice">{t("providers.sandboxNotice")}</p>
          <h1>{title}</h1>
          {body}
        </main>
      </body>
    </html>,
  );
  return new HttpResponse(`<!DOCTYPE html>${html}`, { status, headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" } });
}

const redirectTo = (url: string) => new HttpResponse(null, { status: 302, headers: { location: url } });

async function formOf(request: Request) {
  return Object.fromEntries(new URLSearchParams(await request.text())) as Record<string, string | undefined>;
}

function Field({ name, label, value, error, type = "text" }: { name: string; label: string; value?: string; error?: string; type?: string }) {
  return (
    <>
      <label htmlFor={name}>{label}</label>
      <input id={name} name={name} type={type} defaultValue={value} aria-invalid={error ? true : undefined} />
      {error ? <p className="error">{error}</p> : null}
    </>
  );
}

// --- OAuth consent -----------------------------------------------------------------------------

function consentRequest(provider: "gocardless" | "stripe", url: URL) {
  const { settings } = sandboxState();
  const redirectUri = url.searchParams.get("redirect_uri") ?? "";
  const state = url.searchParams.get("state") ?? "";
  // Like the real providers: only the registered client, only its registered redirect URI.
  const registered = settings.webhookTarget && redirectUri === `${settings.webhookTarget.appUrl}/oauth/${provider}/callback`;
  const valid = url.searchParams.get("client_id") === settings.clientIds[provider] && registered && state !== "";
  return valid ? { redirectUri, state } : null;
}

function consentPage(provider: "gocardless" | "stripe") {
  const path = `${PAGES}/${provider}/oauth/authorize`;
  return [
    http.get(path, ({ request }) => {
      const url = new URL(request.url);
      const locale = localeOf(request, url.searchParams.get("language"));
      const t = translator(locale);
      const name = t(`providers.${provider}`);
      const title = t("sandbox.title", { provider: name });
      if (!consentRequest(provider, url)) return page(locale, title, <p className="error">{t("sandbox.invalidRequest")}</p>, 400);
      const signup = url.searchParams.get("initial_view") === "signup" || url.searchParams.get("stripe_landing") === "register";
      return page(
        locale,
        title,
        <form method="post">
          <p>{t("sandbox.consent", { app: t("app.name"), provider: name })}</p>
          <p>{signup ? t("sandbox.signup") : t("sandbox.login")}</p>
          <Field name="name" label={t("sandbox.accountName")} value={url.searchParams.get("prefill[organisation_name]") ?? "Compte de démonstration"} />
          <Field name="accountId" label={t("sandbox.accountId")} value={provider === "gocardless" ? sandboxId("OR", 12) : `acct_${sandboxId("", 16)}`} />
          <Field
            name="email"
            type="email"
            label={t("sandbox.email")}
            value={url.searchParams.get("prefill[email]") ?? url.searchParams.get("stripe_user[email]") ?? ""}
          />
          <button name="intent" value="approve">
            {t("sandbox.approve")}
          </button>
          <button name="intent" value="deny">
            {t("sandbox.deny")}
          </button>
        </form>,
      );
    }),
    http.post(path, async ({ request }) => {
      const url = new URL(request.url);
      const consent = consentRequest(provider, url);
      if (!consent) return page(localeOf(request), translator(localeOf(request))("sandbox.invalidRequest"), null, 400);
      const values = await formOf(request);
      const back = new URL(consent.redirectUri);
      back.searchParams.set("state", consent.state);
      if (values.intent === "approve") {
        const accountId = (values.accountId ?? "").trim().slice(0, 40) || sandboxId("OR", 12);
        const account = { provider, accountId, name: (values.name ?? "").trim().slice(0, 80), email: (values.email ?? "").trim().slice(0, 120) };
        back.searchParams.set("code", encodeSandboxCode(account));
      } else {
        back.searchParams.set("error", "access_denied");
        back.searchParams.set("error_description", "The user denied your request");
      }
      return redirectTo(back.toString());
    }),
  ];
}

// --- Stripe Checkout ---------------------------------------------------------------------------

function checkoutView(locale: Locale, id: string, message?: MessageKey) {
  const t = translator(locale);
  const session = stripeSessions().get(id);
  if (!session) return page(locale, t("sandbox.checkoutTitle"), <p className="error">{t("sandbox.sessionClosed")}</p>, 404);
  const open = session.status === "open" && session.expires_at * 1000 > Date.now();
  const amount = formatMoney(session.amount_total, session.currency.toUpperCase(), locale);
  const merchant = sandboxState().accounts.get(session.account)?.name ?? session.account;
  if (!open) {
    // Paid (in another tab, say) or expired: back to the invoice, where the customer sees where things stand.
    const complete = session.status === "complete";
    return page(
      locale,
      t("sandbox.checkoutTitle"),
      <>
        <p className="error">{t(complete ? "sandbox.sessionComplete" : "sandbox.sessionExpired")}</p>
        <p>
          <a href={complete ? session.success_url.replace("{CHECKOUT_SESSION_ID}", session.id) : session.cancel_url}>{t("sandbox.backToInvoice")}</a>
        </p>
      </>,
    );
  }
  return page(
    locale,
    t("sandbox.checkoutTitle"),
    <form method="post">
      <p>{t("sandbox.payTo", { merchant })}</p>
      <p>{session.description}</p>
      <p className="amount" data-testid="checkout-amount">
        {amount}
      </p>
      {message ? <p className="error">{t(message)}</p> : null}
      <Field name="card" label={t("sandbox.cardNumber")} value="4242 4242 4242 4242" />
      <button name="intent" value="pay">
        {t("sandbox.pay", { amount })}
      </button>
      <button name="intent" value="cancel">
        {t("sandbox.cancel")}
      </button>
    </form>,
  );
}

const checkoutPage = [
  http.get(`${PAGES}/stripe/checkout/:id`, ({ request, params }) => {
    const session = stripeSessions().get(String(params.id));
    return checkoutView(localeOf(request, session?.locale), String(params.id));
  }),
  http.post(`${PAGES}/stripe/checkout/:id`, async ({ request, params }) => {
    const session = stripeSessions().get(String(params.id));
    const locale = localeOf(request, session?.locale);
    if (session?.status !== "open") return checkoutView(locale, String(params.id));
    const values = await formOf(request);
    if (values.intent === "cancel") return redirectTo(session.cancel_url);
    if ((values.card ?? "").replace(/\s/g, "") === "4000000000000002") return checkoutView(locale, session.id, "sandbox.declined");
    session.status = "complete";
    session.payment_status = "paid";
    session.payment_intent = `pi_${sandboxId("", 24)}`;
    session.url = null;
    stripeSessions().set(session.id, session);
    // Like Stripe, the event goes to the Connect webhook endpoint, signed, naming the connected account.
    await sendStripeEvent("checkout.session.completed", { ...session }, session.account);
    return redirectTo(session.success_url.replace("{CHECKOUT_SESSION_ID}", session.id));
  }),
];

// --- GoCardless Billing Request Flow ------------------------------------------------------------

function flowView(locale: Locale, id: string, errors: Record<string, MessageKey> = {}, values: Record<string, string | undefined> = {}) {
  const t = translator(locale);
  const flow = gcFlows().get(id);
  const billingRequest = flow && gcBillingRequests().get(flow.billing_request);
  if (!flow || !billingRequest) return page(locale, t("sandbox.flowTitle"), <p className="error">{t("sandbox.flowClosed")}</p>, 404);
  const done = billingRequest.status === "fulfilled";
  if (done || new Date(flow.expires_at) <= new Date()) {
    // Signed (in another tab, say) or expired: back to the invoice.
    return page(
      locale,
      t("sandbox.flowTitle"),
      <>
        <p className="error">{t(done ? "sandbox.flowDone" : "sandbox.flowExpired")}</p>
        <p>
          <a href={done ? flow.redirect_uri : flow.exit_uri}>{t("sandbox.backToInvoice")}</a>
        </p>
      </>,
    );
  }
  const merchant = sandboxState().accounts.get(billingRequest.organisation)?.name ?? billingRequest.organisation;
  const holder = [flow.prefilled_customer.given_name, flow.prefilled_customer.family_name].filter(Boolean).join(" ");
  const error = (name: string) => (errors[name] ? t(errors[name]) : undefined);
  return page(
    locale,
    t("sandbox.flowTitle"),
    <form method="post" noValidate>
      <p>{t("sandbox.flowIntro", { merchant })}</p>
      <p>
        {t("sandbox.creditor", { merchant })}
        <br />
        {t("sandbox.scheme", { scheme: billingRequest.mandate_request.scheme })}
      </p>
      <Field name="holder" label={t("sandbox.holder")} value={values.holder ?? holder} error={error("holder")} />
      <Field name="iban" label={t("sandbox.iban")} value={values.iban ?? "FR76 3000 6000 0112 3456 7890 189"} error={error("iban")} />
      <label>
        <input type="checkbox" name="consent" /> {t("sandbox.consentLabel")}
      </label>
      {errors.consent ? <p className="error">{t(errors.consent)}</p> : null}
      <button name="intent" value="confirm">
        {t("sandbox.confirmMandate")}
      </button>
      <button name="intent" value="exit">
        {t("sandbox.cancel")}
      </button>
    </form>,
    Object.keys(errors).length ? 422 : 200,
  );
}

const flowPage = [
  http.get(`${PAGES}/gocardless/flow/:id`, ({ request, params }) => {
    const flow = gcFlows().get(String(params.id));
    return flowView(localeOf(request, flow?.language), String(params.id));
  }),
  http.post(`${PAGES}/gocardless/flow/:id`, async ({ request, params }) => {
    const flow = gcFlows().get(String(params.id));
    const locale = localeOf(request, flow?.language);
    const billingRequest = flow && gcBillingRequests().get(flow.billing_request);
    if (!flow || !billingRequest || billingRequest.status === "fulfilled") return flowView(locale, String(params.id));
    const values = await formOf(request);
    if (values.intent === "exit") return redirectTo(flow.exit_uri);
    const errors: Record<string, MessageKey> = {};
    if (!(values.holder ?? "").trim()) errors.holder = "errors.required";
    if (!normaliseIban(values.iban ?? "")) errors.iban = "errors.ibanFormat";
    if (values.consent !== "on") errors.consent = "sandbox.consentRequired";
    if (Object.keys(errors).length) return flowView(locale, flow.id, errors, values);
    const done = fulfilBillingRequest(flow.id);
    if (!done) return flowView(locale, flow.id);
    const organisation = billingRequest.organisation;
    await sendGoCardlessEvents([
      { resource_type: "mandates", action: "created", links: { mandate: done.mandateId, organisation } },
      {
        resource_type: "billing_requests",
        action: "fulfilled",
        links: { billing_request: billingRequest.id, mandate_request_mandate: done.mandateId, organisation },
      },
    ]);
    return redirectTo(flow.redirect_uri);
  }),
];

/** A one-page PDF naming the mandate: what GoCardless's `mandate_pdfs` URL answers, offline. */
function samplePdf(text: string) {
  const content = `BT /F1 14 Tf 72 760 Td (${text.replace(/[()\\]/g, "")}) Tj ET`;
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  ];
  let pdf = "%PDF-1.4\n";
  const offsets = objects.map((object, i) => {
    const offset = pdf.length;
    pdf += `${i + 1} 0 obj\n${object}\nendobj\n`;
    return offset;
  });
  const xref = pdf.length;
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("")}`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return pdf;
}

const mandatePdfPage = [
  http.get(`${PAGES}/gocardless/mandate-pdf/:id`, ({ params }) => {
    const mandate = gcMandates().get(String(params.id));
    if (!mandate) return new HttpResponse("Not found", { status: 404 });
    return new HttpResponse(samplePdf(`GoCardless sandbox - SEPA mandate ${mandate.id} - ${mandate.reference}`), {
      headers: { "content-type": "application/pdf", "content-disposition": `inline; filename="${mandate.id}.pdf"` },
    });
  }),
];

export const hostedPageHandlers = [...consentPage("gocardless"), ...consentPage("stripe"), ...checkoutPage, ...flowPage, ...mandatePdfPage];
