import { gocardlessOAuthHandlers } from "./gocardless";
import { gocardlessPaymentHandlers } from "./gocardless-payments";
import { stripeOAuthHandlers } from "./stripe";
import { stripeCheckoutHandlers } from "./stripe-checkout";

export { resetSandbox, sandboxState } from "./state";

export const gocardlessSandboxHandlers = [...gocardlessOAuthHandlers, ...gocardlessPaymentHandlers];
export const stripeSandboxHandlers = [...stripeOAuthHandlers, ...stripeCheckoutHandlers];

/** Handlers for the providers that run in the sandbox: tests use them through msw/node, `npm start` in-process. */
export function sandboxHandlersFor(sandboxed: { gocardless: boolean; stripe: boolean }) {
  return [...(sandboxed.gocardless ? gocardlessSandboxHandlers : []), ...(sandboxed.stripe ? stripeSandboxHandlers : [])];
}
