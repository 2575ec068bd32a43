import { sandboxEventHandlers } from "./events";
import { gocardlessOAuthHandlers } from "./gocardless";
import { gocardlessPaymentHandlers } from "./gocardless-payments";
import { hostedPageHandlers } from "./pages";
import { stripeOAuthHandlers } from "./stripe";
import { stripeCheckoutHandlers } from "./stripe-checkout";
import { stripeRefundHandlers } from "./stripe-refunds";

export { configureSandbox, resetSandbox, SANDBOX_PAGES_ORIGIN, sandboxState } from "./state";

/**
 * The provider sandbox as msw handlers on the providers' own URLs: tests use them through msw/node,
 * and the sandbox service (server/sandbox.ts) answers HTTP requests with the very same handlers.
 */
export const sandboxHandlers = [
  ...gocardlessOAuthHandlers,
  ...gocardlessPaymentHandlers,
  ...stripeOAuthHandlers,
  ...stripeCheckoutHandlers,
  ...stripeRefundHandlers,
  ...hostedPageHandlers,
  ...sandboxEventHandlers,
];
