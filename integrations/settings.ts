import type { Config } from "~/lib/config.server";
import { hmac } from "~/lib/tokens.server";

/** Where the hosted sandbox pages answer inside a test process (msw serves them there). */
export const SANDBOX_PAGES_ORIGIN = "https://sandbox.invalid";

export interface ProviderSettings {
  appUrl: string;
  /**
   * The provider sandbox service (server/sandbox.ts) the SDKs are pointed at while a provider has no real
   * credentials; null in tests, where msw answers the providers' own URLs.
   */
  sandboxUrl: string | null;
  /** Where a browser finds the sandbox's hosted pages (consent, checkout, mandate flow). */
  sandboxPagesUrl: string;
  gocardless: { sandbox: boolean; clientId: string; clientSecret: string; environment: "sandbox" | "live"; webhookSecret: string };
  stripe: { sandbox: boolean; secretKey: string; clientId: string; webhookSecret: string };
}

/**
 * Real credentials when the environment has them; otherwise the offline sandbox, whose
 * secrets are derived from the session secret so the app and its sandbox agree on them.
 */
export function providerSettings(config: Config): ProviderSettings {
  const derived = (label: string) => hmac(config.SESSION_SECRET, `sandbox:${label}`).slice(0, 32);
  const gcReal = Boolean(config.GOCARDLESS_CLIENT_ID && config.GOCARDLESS_CLIENT_SECRET);
  const stripeReal = Boolean(config.STRIPE_SECRET_KEY && config.STRIPE_CLIENT_ID);
  return {
    appUrl: config.APP_URL,
    sandboxUrl: config.SANDBOX_URL ?? null,
    sandboxPagesUrl: config.SANDBOX_URL ?? SANDBOX_PAGES_ORIGIN,
    gocardless: gcReal
      ? {
          sandbox: false,
          clientId: config.GOCARDLESS_CLIENT_ID!,
          clientSecret: config.GOCARDLESS_CLIENT_SECRET!,
          environment: config.GOCARDLESS_ENVIRONMENT,
          webhookSecret: config.GOCARDLESS_WEBHOOK_SECRET ?? "",
        }
      : {
          sandbox: true,
          clientId: "sandbox-gocardless-client",
          clientSecret: derived("gc-client"),
          environment: "sandbox",
          webhookSecret: derived("gc-webhook"),
        },
    stripe: stripeReal
      ? { sandbox: false, secretKey: config.STRIPE_SECRET_KEY!, clientId: config.STRIPE_CLIENT_ID!, webhookSecret: config.STRIPE_WEBHOOK_SECRET ?? "" }
      : { sandbox: true, secretKey: "sk_test_sandbox", clientId: "ca_sandbox", webhookSecret: `whsec_${derived("stripe-webhook")}` },
  };
}
