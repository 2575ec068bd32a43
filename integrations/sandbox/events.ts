import { http, HttpResponse } from "msw";
import { authorisedAccount, gcError } from "./gocardless";
import { connectedAccountOf, platformKeyValid, stripeError } from "./stripe";
import { recordCall, sandboxState } from "./state";

/** An event the sandbox made, kept for the providers' "list events" endpoints (issue 16, check now). */
export interface SandboxEventRecord {
  provider: "gocardless" | "stripe";
  account: string;
  /** Seconds since the epoch (fractional for GoCardless's millisecond times). */
  created: number;
  event: Record<string, unknown>;
}

const events = () => sandboxState().store.collection<SandboxEventRecord>("events");

export function logSandboxEvent(provider: SandboxEventRecord["provider"], account: string, id: string, created: number, event: object) {
  events().set(id, { provider, account, created, event: event as Record<string, unknown> });
}

const since = (records: SandboxEventRecord[], gt: number) => records.filter((r) => r.created > gt).sort((a, b) => a.created - b.created);

export const sandboxEventHandlers = [
  // GoCardless: GET /events?created_at[gt]=…, one page (the sandbox never holds more than a page's worth for a test).
  http.get("https://api-sandbox.gocardless.com/events", ({ request }) => {
    recordCall({ method: "GET", url: request.url, body: "", headers: {} });
    const account = authorisedAccount(request);
    if (!account) return gcError(401, "invalid_api_usage", "Authentication failed");
    const url = new URL(request.url);
    const gt = url.searchParams.get("created_at[gt]");
    const mine = events()
      .values()
      .filter((r) => r.provider === "gocardless" && r.account === account.accountId);
    const list = since(mine, gt ? Date.parse(gt) / 1000 : 0).map((r) => r.event);
    return HttpResponse.json({ events: list, meta: { cursors: { before: null, after: null }, limit: Number(url.searchParams.get("limit") ?? 50) } });
  }),
  // Stripe: GET /v1/events?created[gt]=… on the connected account (Stripe-Account header).
  http.get("https://api.stripe.com/v1/events", ({ request }) => {
    recordCall({ method: "GET", url: request.url, body: "", headers: {} });
    if (!platformKeyValid(request)) return stripeError(401, "invalid_request_error", "Invalid API Key provided.");
    const account = connectedAccountOf(request);
    if (!account) return stripeError(403, "invalid_request_error", "The provided key does not have access to account.");
    const gt = Number(new URL(request.url).searchParams.get("created[gt]") ?? 0);
    const mine = events()
      .values()
      .filter((r) => r.provider === "stripe" && r.account === account.accountId);
    // Stripe lists newest first.
    const data = since(mine, gt)
      .reverse()
      .map((r) => r.event);
    return HttpResponse.json({ object: "list", data, has_more: false, url: "/v1/events" });
  }),
];
