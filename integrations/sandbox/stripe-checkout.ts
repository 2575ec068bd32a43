import { http, HttpResponse } from "msw";
import qs from "qs";
import { platformKeyValid, connectedAccountOf, stripeError } from "./stripe";
import { recordCall, sandboxId, sandboxState } from "./state";

export interface SandboxCheckoutSession {
  id: string;
  object: "checkout.session";
  account: string;
  amount_total: number;
  currency: string;
  status: "open" | "complete" | "expired";
  payment_status: "unpaid" | "paid";
  payment_intent: string | null;
  url: string | null;
  success_url: string;
  cancel_url: string;
  client_reference_id: string | null;
  customer_email: string | null;
  metadata: Record<string, string>;
  expires_at: number;
  created: number;
  livemode: false;
  mode: "payment";
  description: string;
  locale: string | null;
}

export const stripeSessions = () => sandboxState().store.collection<SandboxCheckoutSession>("stripeSessions");

const idempotent = () => sandboxState().store.collection<{ body: string; session: SandboxCheckoutSession }>("stripeIdempotency");

const API = "https://api.stripe.com/v1";

export const stripeCheckoutHandlers = [
  http.post(`${API}/checkout/sessions`, async ({ request }) => {
    const text = await request.text();
    recordCall({
      method: "POST",
      url: request.url,
      body: text,
      headers: { "stripe-account": request.headers.get("stripe-account") ?? "", "idempotency-key": request.headers.get("idempotency-key") ?? "" },
    });
    if (!platformKeyValid(request)) return stripeError(401, "invalid_request_error", "Invalid API Key provided.");
    const account = connectedAccountOf(request);
    if (!account)
      return stripeError(403, "invalid_request_error", "The provided key does not have access to account or that account does not exist.", {
        code: "account_invalid",
      });
    const key = request.headers.get("idempotency-key") ?? "";
    const previous = key ? idempotent().get(key) : undefined;
    if (previous) {
      if (previous.body !== text)
        return stripeError(400, "idempotency_error", "Keys for idempotent requests can only be used with the same parameters they were first used with.");
      return HttpResponse.json(previous.session, { headers: { "idempotent-replayed": "true" } });
    }
    const body = qs.parse(text) as Record<string, any>;
    const item = body.line_items?.[0];
    const amount = Number(item?.price_data?.unit_amount) * Number(item?.quantity ?? 1);
    if (body.mode !== "payment") return stripeError(400, "invalid_request_error", "Missing required param: mode.", { param: "mode" });
    if (!Number.isInteger(amount) || amount <= 0)
      return stripeError(400, "invalid_request_error", "Invalid integer: unit_amount", { param: "line_items[0][price_data][unit_amount]" });
    if (!body.success_url) return stripeError(400, "invalid_request_error", "Missing required param: success_url.", { param: "success_url" });
    const id = `cs_test_${sandboxId("", 24)}`;
    const { publicUrl } = sandboxState().settings;
    const now = Math.floor(Date.now() / 1000);
    const session: SandboxCheckoutSession = {
      id,
      object: "checkout.session",
      account: account.accountId,
      amount_total: amount,
      currency: String(item.price_data.currency),
      status: "open",
      payment_status: "unpaid",
      payment_intent: null,
      url: `${publicUrl}/pages/stripe/checkout/${id}`,
      success_url: String(body.success_url),
      cancel_url: String(body.cancel_url ?? body.success_url),
      client_reference_id: body.client_reference_id ?? null,
      customer_email: body.customer_email ?? null,
      metadata: body.metadata ?? {},
      expires_at: Number(body.expires_at ?? now + 86400),
      created: now,
      livemode: false,
      mode: "payment",
      description: String(item.price_data.product_data?.name ?? ""),
      locale: body.locale ?? null,
    };
    stripeSessions().set(id, session);
    if (key) idempotent().set(key, { body: text, session });
    return HttpResponse.json(session);
  }),

  http.get(`${API}/checkout/sessions/:id`, ({ request, params }) => {
    if (!platformKeyValid(request)) return stripeError(401, "invalid_request_error", "Invalid API Key provided.");
    const session = stripeSessions().get(String(params.id));
    if (!session || session.account !== request.headers.get("stripe-account"))
      return stripeError(404, "invalid_request_error", `No such checkout.session: '${params.id}'`, { code: "resource_missing" });
    return HttpResponse.json(session);
  }),

  http.post(`${API}/checkout/sessions/:id/expire`, ({ request, params }) => {
    if (!platformKeyValid(request)) return stripeError(401, "invalid_request_error", "Invalid API Key provided.");
    const session = stripeSessions().get(String(params.id));
    if (!session || session.account !== request.headers.get("stripe-account"))
      return stripeError(404, "invalid_request_error", `No such checkout.session: '${params.id}'`, { code: "resource_missing" });
    if (session.status !== "open") return stripeError(400, "invalid_request_error", `Only Checkout Sessions with a status of 'open' can be expired.`);
    session.status = "expired";
    session.url = null;
    stripeSessions().set(session.id, session);
    return HttpResponse.json(session);
  }),
];
