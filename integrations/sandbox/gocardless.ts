import { http, HttpResponse } from "msw";
import { decodeSandboxCode, recordCall, sandboxId, sandboxState } from "./state";

const API = "https://api-sandbox.gocardless.com";
const CONNECT = "https://connect-sandbox.gocardless.com";

/** The error envelope the GoCardless API answers with. */
export function gcError(status: number, type: string, message: string, errors: { field?: string; message: string; reason?: string }[] = []) {
  return HttpResponse.json(
    { error: { message, type, code: status, request_id: sandboxId("RQ"), documentation_url: "https://developer.gocardless.com/api-reference#errors", errors } },
    { status },
  );
}

async function formOrJson(request: Request): Promise<Record<string, string>> {
  const text = await request.text();
  if ((request.headers.get("content-type") ?? "").includes("json")) return JSON.parse(text || "{}");
  return Object.fromEntries(new URLSearchParams(text));
}

export function authorisedAccount(request: Request) {
  const token = request.headers.get("authorization")?.replace(/^Bearer /, "") ?? "";
  return sandboxState().tokens.get(token) ?? null;
}

export const gocardlessOAuthHandlers = [
  http.post(`${CONNECT}/oauth/access_token`, async ({ request }) => {
    const body = await formOrJson(request);
    recordCall({ method: "POST", url: request.url, body: JSON.stringify({ ...body, client_secret: "[redacted]" }), headers: {} });
    if (body.grant_type !== "authorization_code") return HttpResponse.json({ error: "unsupported_grant_type" }, { status: 400 });
    if (!body.client_id || !body.client_secret) return HttpResponse.json({ error: "invalid_client" }, { status: 401 });
    const account = decodeSandboxCode(body.code ?? "");
    if (account?.provider !== "gocardless")
      return HttpResponse.json({ error: "invalid_grant", error_description: "The authorization code is invalid or has expired" }, { status: 400 });
    const accessToken = `sandbox_live_${sandboxId("", 32)}`;
    sandboxState().tokens.set(accessToken, account);
    sandboxState().accounts.set(account.accountId, account);
    return HttpResponse.json({
      access_token: accessToken,
      scope: "read_write",
      token_type: "bearer",
      organisation_id: account.accountId,
      email: account.email,
    });
  }),

  http.post(`${CONNECT}/oauth/revoke`, async ({ request }) => {
    const body = await formOrJson(request);
    recordCall({ method: "POST", url: request.url, body: "", headers: {} });
    sandboxState().tokens.delete(body.token ?? "");
    return HttpResponse.json({});
  }),

  http.get(`${API}/creditors`, ({ request }) => {
    const account = authorisedAccount(request);
    if (!account) return gcError(401, "invalid_api_usage", "Invalid token", [{ reason: "invalid_token", message: "Invalid token" }]);
    return HttpResponse.json({
      creditors: [{ id: sandboxId("CR"), name: account.name, country_code: "FR", created_at: new Date().toISOString() }],
      meta: { cursors: { before: null, after: null }, limit: 50 },
    });
  }),
];
