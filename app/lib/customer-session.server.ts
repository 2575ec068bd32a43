/**
 * The customer space's session (docs/decisions/0015): its own cookie, scoped by path to one merchant's
 * space (`/espace/<organisationId>`), so a person with spaces at two merchants holds two sessions, and a
 * merchant's `sid` cookie means nothing here.
 */
import { serialize } from "cookie";
import { redirect, type AppLoadContext } from "react-router";
import { CUSTOMER_SESSION_DAYS, createCustomerSession, destroyCustomerSession, findCustomerSession } from "~/domain/customer-space/access";
import { spaceOrganisation } from "~/domain/customer-space/account";
import { isLocale, localeFromAcceptLanguage, type Locale } from "~/i18n";
import { notFound } from "./http.server";
import { LOCALE_COOKIE, cookieValue, safeRedirectTarget } from "./session.server";
import { spaceHome, spacePath } from "./space-path";
import { hmac } from "./tokens.server";

export { spacePath };

export const CUSTOMER_SESSION_COOKIE = "csid";

function cookieOptions(context: AppLoadContext, organisationId: string, maxAge: number) {
  return { httpOnly: true, sameSite: "lax" as const, secure: context.config.secureCookies, path: spacePath(organisationId), maxAge };
}

const sessions = new WeakMap<Request, ReturnType<typeof findCustomerSession>>();

/** This space's customer session, or null (none, expired, or opened at another merchant). One lookup per request. */
export function getCustomerSession(request: Request, context: AppLoadContext, organisationId: string) {
  const token = cookieValue(request, CUSTOMER_SESSION_COOKIE);
  if (!token || token.length > 100) return Promise.resolve(null);
  let lookup = sessions.get(request);
  if (!lookup) {
    lookup = findCustomerSession(context.db, token, organisationId, new Date());
    sessions.set(request, lookup);
  }
  return lookup;
}

/** The merchant whose space this is; 404 for an unknown one. */
export async function requireSpace(context: AppLoadContext, organisationId: string) {
  return (await spaceOrganisation(context.db, organisationId)) ?? notFound();
}

/**
 * The signed-in customer of this space. Every query of the space's pages takes the organisation and the
 * customer from here. A customer with a temporary password may do nothing else before choosing their own.
 */
export async function requireCustomer(request: Request, context: AppLoadContext, organisationId: string, options: { allowPendingPassword?: boolean } = {}) {
  await requireSpace(context, organisationId);
  const session = await getCustomerSession(request, context, organisationId);
  if (!session) {
    const url = new URL(request.url);
    throw redirect(`${spacePath(organisationId, "/connexion")}?redirectTo=${encodeURIComponent(url.pathname + url.search)}`);
  }
  if (session.access.mustChangePassword && !options.allowPendingPassword) throw redirect(spacePath(organisationId, "/mot-de-passe"));
  return { session, access: session.access, customer: session.access.customer, organisation: session.access.organisation };
}

/** The reader's language in the space: the one they picked, else the customer's, else the browser's. */
export async function spaceLocale(request: Request, context: AppLoadContext, organisationId: string): Promise<Locale> {
  const chosen = cookieValue(request, LOCALE_COOKIE);
  if (isLocale(chosen)) return chosen;
  const session = await getCustomerSession(request, context, organisationId);
  if (session && isLocale(session.access.customer.locale)) return session.access.customer.locale;
  return localeFromAcceptLanguage(request.headers.get("accept-language"));
}

export async function startCustomerSession(context: AppLoadContext, access: { id: string; organisationId: string }) {
  const token = await createCustomerSession(context.db, access, new Date());
  return serialize(CUSTOMER_SESSION_COOKIE, token, cookieOptions(context, access.organisationId, CUSTOMER_SESSION_DAYS * 86400));
}

export async function endCustomerSession(request: Request, context: AppLoadContext, organisationId: string) {
  const token = cookieValue(request, CUSTOMER_SESSION_COOKIE);
  if (token && token.length <= 100) await destroyCustomerSession(context.db, token);
  return serialize(CUSTOMER_SESSION_COOKIE, "", cookieOptions(context, organisationId, 0));
}

/** As for merchants (`isKnownBrowser` in ./session.server.ts): a browser that logged in to this space before is never paced. */
const KNOWN_COOKIE = "cknown";
const knownMark = (context: AppLoadContext, key: string) => hmac(context.config.SESSION_SECRET, `known-browser:${key}`).slice(0, 22);
const knownMarks = (request: Request) => (cookieValue(request, KNOWN_COOKIE) ?? "").split(".").filter(Boolean).slice(0, 5);

export function isKnownCustomerBrowser(request: Request, context: AppLoadContext, key: string) {
  return knownMarks(request).includes(knownMark(context, key));
}

export function knownCustomerBrowserCookie(request: Request, context: AppLoadContext, organisationId: string, key: string) {
  const mark = knownMark(context, key);
  const marks = [mark, ...knownMarks(request).filter((m) => m !== mark)].slice(0, 5);
  return serialize(KNOWN_COOKIE, marks.join("."), { ...cookieOptions(context, organisationId, 365 * 86400), path: spacePath(organisationId, "/connexion") });
}

/** After logging in: back where the customer was going, if that is in this space; else the space's home. */
export function spaceTarget(target: unknown, appUrl: string, organisationId: string) {
  const space = spacePath(organisationId);
  const home = spaceHome(organisationId);
  const local = safeRedirectTarget(target, appUrl, home);
  return local.startsWith(`${space}/`) ? local : home;
}
