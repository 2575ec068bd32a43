import { hmac } from "~/lib/tokens.server";
import { sandboxState } from "./state";

/**
 * The demo merchant's sandbox accounts, one per provider, derived from the session secret so the app's
 * seed (which stores the connections) and the sandbox service (which must know their tokens) agree
 * without talking to each other.
 */
export function demoSandboxAccounts(sessionSecret: string) {
  const id = (label: string, length: number) =>
    hmac(sessionSecret, `sandbox-demo:${label}`)
      .replace(/[^A-Za-z0-9]/g, "")
      .slice(0, length)
      .toUpperCase();
  return [
    {
      provider: "gocardless" as const,
      accountId: `OR${id("gc-account", 12)}`,
      name: "Atelier Martin (GoCardless)",
      accessToken: `sandbox_live_${id("gc-token", 32)}`,
    },
    {
      provider: "stripe" as const,
      accountId: `acct_${id("stripe-account", 16)}`,
      name: "Atelier Martin (Stripe)",
      accessToken: `sk_test_${id("stripe-token", 24)}`,
    },
  ];
}

/** Makes the demo accounts known to the sandbox (idempotent: run at every start of the service). */
export function ensureDemoAccounts(sessionSecret: string) {
  const { accounts, tokens } = sandboxState();
  for (const { accessToken, ...account } of demoSandboxAccounts(sessionSecret)) {
    const stored = { ...account, email: "demo@example.com" };
    accounts.set(account.accountId, stored);
    if (account.provider === "gocardless") tokens.set(accessToken, stored);
  }
}
