import type { Config } from "~/lib/config.server";
import { GoCardlessProvider } from "./gocardless";
import { providerSettings, type ProviderSettings } from "./settings";
import { sandboxState } from "./sandbox/state";
import { StripeProvider } from "./stripe";
import type { ProviderId } from "./types";

export * from "./types";
export type { ProviderSettings };

export interface Providers {
  settings: ProviderSettings;
  gocardless: GoCardlessProvider;
  stripe: StripeProvider;
  get(id: ProviderId): GoCardlessProvider | StripeProvider;
}

export function createProviders(config: Config): Providers {
  const settings = providerSettings(config);
  const gc = new GoCardlessProvider(settings.gocardless, settings.appUrl);
  const stripe = new StripeProvider(settings.stripe, settings.appUrl);
  // The sandbox's hosted pages live in this app: tell it where.
  if (settings.gocardless.sandbox || settings.stripe.sandbox) {
    sandboxState().appUrl = settings.appUrl;
    sandboxState().webhookTarget = {
      appUrl: settings.appUrl,
      stripeSecret: settings.stripe.webhookSecret,
      gocardlessSecret: settings.gocardless.webhookSecret,
    };
  }
  return { settings, gocardless: gc, stripe, get: (id) => (id === "gocardless" ? gc : stripe) };
}
