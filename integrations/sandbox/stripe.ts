import { http, HttpResponse } from "msw";
import { decodeSandboxCode, recordCall, sandboxId, sandboxState } from "./state";

const API = "https://api.stripe.com";
const CONNECT = "https://connect.stripe.com";

/** Stripe's API error envelope. */
export function stripeError(status: number, type: string, message: string, extra: Record<string, string> = {}) {
  return HttpResponse.json({ error: { type, message, ...extra } }, { status, headers: { "request-id": `req_${sandboxId("", 14)}` } });
}

export function platformKeyValid(request: Request) {
  return /^Bearer (sk|rk)_test_/.test(request.headers.get("authorization") ?? "");
}

export function connectedAccountOf(request: Request) {
  const id = request.headers.get("stripe-account") ?? "";
  return sandboxState().accounts.get(id) ?? null;
}

export const stripeOAuthHandlers = [
  http.post(`${CONNECT}/oauth/token`, async ({ request }) => {
    const body = Object.fromEntries(new URLSearchParams(await request.text()));
    recordCall({ method: "POST", url: request.url, body: JSON.stringify(body), headers: {} });
    if (!platformKeyValid(request)) return HttpResponse.json({ error: "invalid_client", error_description: "No valid API key provided." }, { status: 401 });
    const account = decodeSandboxCode(body.code ?? "");
    if (body.grant_type !== "authorization_code" || !account || account.provider !== "stripe") {
      return HttpResponse.json({ error: "invalid_grant", error_description: `Authorization code does not exist: ${body.code ?? ""}` }, { status: 400 });
    }
    sandboxState().accounts.set(account.accountId, account);
    return HttpResponse.json({
      access_token: `sk_test_${sandboxId("", 24)}`,
      refresh_token: `rt_${sandboxId("", 24)}`,
      scope: "read_write",
      livemode: false,
      token_type: "bearer",
      stripe_user_id: account.accountId,
      stripe_publishable_key: `pk_test_${sandboxId("", 24)}`,
    });
  }),

  http.post(`${CONNECT}/oauth/deauthorize`, async ({ request }) => {
    const body = Object.fromEntries(new URLSearchParams(await request.text()));
    recordCall({ method: "POST", url: request.url, body: JSON.stringify(body), headers: {} });
    if (!platformKeyValid(request)) return HttpResponse.json({ error: "invalid_client" }, { status: 401 });
    if (!sandboxState().accounts.has(body.stripe_user_id ?? "")) {
      return HttpResponse.json(
        { error: "invalid_client", error_description: `Stripe account ${body.stripe_user_id} is not connected to your application.` },
        { status: 401 },
      );
    }
    sandboxState().accounts.delete(body.stripe_user_id);
    return HttpResponse.json({ stripe_user_id: body.stripe_user_id });
  }),

  http.get(`${API}/v1/accounts/:id`, ({ request, params }) => {
    if (!platformKeyValid(request)) return stripeError(401, "invalid_request_error", "Invalid API Key provided.");
    const account = sandboxState().accounts.get(String(params.id));
    if (!account) return stripeError(404, "invalid_request_error", `No such account: '${params.id}'`, { code: "resource_missing" });
    return HttpResponse.json({
      id: account.accountId,
      object: "account",
      email: account.email,
      country: "FR",
      type: "standard",
      business_profile: { name: account.name },
      settings: { dashboard: { display_name: account.name } },
    });
  }),
];
