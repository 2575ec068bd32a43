import type { Config } from "~/lib/config.server";
import { GoCardlessProvider } from "./gocardless";
import { providerSettings, type ProviderSettings } from "./settings";
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
  const gc = new GoCardlessProvider(settings);
  const stripe = new StripeProvider(settings);
  return { settings, gocardless: gc, stripe, get: (id) => (id === "gocardless" ? gc : stripe) };
}
