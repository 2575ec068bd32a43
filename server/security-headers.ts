import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { NextFunction, Request, Response } from "express";
import helmet from "helmet";
import { gocardlessConnectBase } from "../integrations/gocardless";
import { type ProviderSettings, providerSettings } from "../integrations/settings";
import type { Config } from "~/lib/config.server";

/**
 * The security headers of every answer (helmet), with a Content-Security-Policy that lets scripts run
 * only from the app's own files and the inline scripts React Router renders with this answer's nonce
 * (`res.locals.cspNonce`, given to the renderer through the load context; see app/entry.server.tsx).
 * Anything injected into a page without the nonce does not run.
 */
export function securityHeaders(config: Config) {
  const https = new URL(config.APP_URL).protocol === "https:";
  const nonce = (_req: IncomingMessage, res: ServerResponse) => `'nonce-${(res as Response).locals.cspNonce}'`;
  const policy = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", nonce],
        scriptSrcAttr: ["'none'"],
        // The local mailbox shows emails (inline styles throughout) in a srcdoc frame, which has this policy.
        styleSrc: [(req) => (isMailbox(req) ? "'self' 'unsafe-inline'" : "'self'")],
        imgSrc: ["'self'", "data:"],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        frameAncestors: ["'none'"],
        // A form post may end on a provider's hosted page (OAuth consent, checkout, mandate): their origins only.
        formAction: ["'self'", ...hostedPageOrigins(providerSettings(config))],
        ...(https ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    // What request-basics.ts already says for every answer; helmet's defaults would loosen both.
    xFrameOptions: { action: "deny" },
    referrerPolicy: { policy: "same-origin" },
    strictTransportSecurity: https ? { maxAge: 31_536_000 } : false,
  });
  return (req: Request, res: Response, next: NextFunction) => {
    res.locals.cspNonce = randomBytes(16).toString("base64");
    policy(req, res, next);
  };
}

/** The mailbox's pages (entered by a full page load: the app's nav links to it with a plain <a>). */
function isMailbox(req: IncomingMessage) {
  return /^\/mailbox(?:[/?.]|$)/.test(req.url ?? "");
}

/** Where the providers' hosted pages live: the offline sandbox's, or the real providers' hosts. */
export function hostedPageOrigins(settings: ProviderSettings): string[] {
  const origins = new Set<string>();
  if (settings.gocardless.sandbox || settings.stripe.sandbox) origins.add(new URL(settings.sandboxPagesUrl).origin);
  if (!settings.stripe.sandbox) origins.add("https://connect.stripe.com").add("https://checkout.stripe.com");
  if (!settings.gocardless.sandbox) {
    origins.add(gocardlessConnectBase(settings.gocardless.environment));
    origins.add(settings.gocardless.environment === "live" ? "https://pay.gocardless.com" : "https://pay-sandbox.gocardless.com");
  }
  return [...origins];
}
