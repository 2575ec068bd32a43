import { gocardlessOAuthHandlers } from "./gocardless";
import { stripeOAuthHandlers } from "./stripe";

export { resetSandbox, sandboxState } from "./state";

export const gocardlessSandboxHandlers = [...gocardlessOAuthHandlers];
export const stripeSandboxHandlers = [...stripeOAuthHandlers];

/** Handlers for the providers that run in the sandbox: tests use them through msw/node, `npm start` in-process. */
export function sandboxHandlersFor(sandboxed: { gocardless: boolean; stripe: boolean }) {
  return [...(sandboxed.gocardless ? gocardlessSandboxHandlers : []), ...(sandboxed.stripe ? stripeSandboxHandlers : [])];
}
