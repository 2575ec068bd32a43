import { Environments, gocardless, type GoCardlessClient } from "gocardless-nodejs";
import type { ProviderSettings } from "../settings";
import { ProviderError, withTimeout, type AuthorizeOptions, type ConnectedAccount, type PaymentProvider } from "../types";

const TIMEOUT_MS = 10_000;

/** The partner OAuth host (not covered by the SDK, which only speaks to the API). */
export function gocardlessConnectBase(environment: "sandbox" | "live") {
  return environment === "live" ? "https://connect.gocardless.com" : "https://connect-sandbox.gocardless.com";
}

export class GoCardlessProvider implements PaymentProvider {
  readonly id = "gocardless" as const;
  readonly methods = ["direct_debit"] as const;
  readonly sandbox: boolean;

  constructor(private readonly settings: ProviderSettings["gocardless"], private readonly appUrl: string) {
    this.sandbox = settings.sandbox;
  }

  client(accessToken: string): GoCardlessClient {
    return gocardless(accessToken, this.settings.environment === "live" ? Environments.Live : Environments.Sandbox);
  }

  authorizeUrl(options: AuthorizeOptions): string {
    const base = this.sandbox ? `${this.appUrl}/sandbox/gocardless` : gocardlessConnectBase(this.settings.environment);
    const query = new URLSearchParams({
      client_id: this.settings.clientId,
      redirect_uri: options.redirectUri,
      response_type: "code",
      scope: "read_write",
      state: options.state,
      initial_view: options.signup ? "signup" : "login",
      language: options.locale,
    });
    if (options.email) query.set("prefill[email]", options.email);
    if (options.organisationName) query.set("prefill[organisation_name]", options.organisationName);
    return `${base}/oauth/authorize?${query}`;
  }

  async exchangeCode(code: string, redirectUri: string): Promise<ConnectedAccount> {
    const body = new URLSearchParams({
      grant_type: "authorization_code",
      code,
      redirect_uri: redirectUri,
      client_id: this.settings.clientId,
      client_secret: this.settings.clientSecret,
    });
    const response = await this.connectRequest("/oauth/access_token", body);
    const token = (await response.json().catch(() => null)) as { access_token?: string; organisation_id?: string; error?: string } | null;
    if (!response.ok || !token?.access_token || !token.organisation_id) {
      if (response.status >= 500) throw new ProviderError("gocardless", "unavailable", `token exchange answered ${response.status}`);
      throw new ProviderError("gocardless", token?.error === "invalid_grant" ? "invalid_grant" : "rejected", `token exchange refused: ${token?.error ?? response.status}`);
    }
    let accountName = "";
    try {
      const creditors = await withTimeout("gocardless", TIMEOUT_MS, this.client(token.access_token).creditors.list({ limit: "1" } as never));
      accountName = creditors.creditors[0]?.name ?? "";
    } catch {
      // The name is a courtesy; the connection stands without it.
    }
    return { accountId: token.organisation_id, accountName, environment: this.settings.environment, accessToken: token.access_token };
  }

  async revoke(account: { accessToken: string }): Promise<void> {
    const body = new URLSearchParams({ client_id: this.settings.clientId, client_secret: this.settings.clientSecret, token: account.accessToken });
    const response = await this.connectRequest("/oauth/revoke", body);
    if (!response.ok) throw new ProviderError("gocardless", "rejected", `revoke answered ${response.status}`);
  }

  /** One retry on a network failure; OAuth calls are safe to repeat (the code is single-use on their side). */
  private async connectRequest(path: string, body: URLSearchParams): Promise<Response> {
    const url = `${gocardlessConnectBase(this.settings.environment)}${path}`;
    for (let attempt = 1; ; attempt++) {
      try {
        return await fetch(url, {
          method: "POST",
          body,
          headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
          signal: AbortSignal.timeout(TIMEOUT_MS),
        });
      } catch (error) {
        if (attempt >= 2) throw new ProviderError("gocardless", "unavailable", error instanceof Error ? error.message : String(error));
      }
    }
  }
}
