import { parse as parseCookies, serialize } from "cookie";
import { redirect, type AppLoadContext } from "react-router";
import { SESSION_DAYS, createSession, destroySession, findSession, setSessionOrganisation } from "~/domain/auth";
import { findMembership, membershipsOf } from "~/domain/organisations";
import { can, type Permission } from "~/domain/permissions";
import { isLocale, localeFromAcceptLanguage, type Locale } from "~/i18n";
import { forbidden } from "./http.server";
import { hmac } from "./tokens.server";

export const SESSION_COOKIE = "sid";
export const LOCALE_COOKIE = "lang";

export function cookieValue(request: Request, name: string): string | undefined {
  return parseCookies(request.headers.get("cookie") ?? "")[name];
}

export function sessionCookie(context: AppLoadContext, token: string) {
  return serialize(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: "lax",
    secure: context.config.secureCookies,
    path: "/",
    maxAge: SESSION_DAYS * 86400,
  });
}

export function clearSessionCookie(context: AppLoadContext) {
  return serialize(SESSION_COOKIE, "", { httpOnly: true, sameSite: "lax", secure: context.config.secureCookies, path: "/", maxAge: 0 });
}

// Nested loaders of one request share one lookup.
const sessions = new WeakMap<Request, ReturnType<typeof findSession>>();

export function getSession(request: Request, context: AppLoadContext) {
  const token = cookieValue(request, SESSION_COOKIE);
  if (!token || token.length > 100) return Promise.resolve(null);
  let lookup = sessions.get(request);
  if (!lookup) {
    lookup = findSession(context.db, token, new Date());
    sessions.set(request, lookup);
  }
  return lookup;
}

/** The reader's language: the user's choice, else the language cookie, else the browser's. */
export async function resolveLocale(request: Request, context: AppLoadContext): Promise<Locale> {
  const session = await getSession(request, context);
  if (session && isLocale(session.user.locale)) return session.user.locale;
  const cookie = cookieValue(request, LOCALE_COOKIE);
  return isLocale(cookie) ? cookie : localeFromAcceptLanguage(request.headers.get("accept-language"));
}

function loginRedirect(request: Request) {
  const url = new URL(request.url);
  const target = url.pathname + url.search;
  return redirect(target === "/" ? "/login" : `/login?redirectTo=${encodeURIComponent(target)}`);
}

export async function requireUser(request: Request, context: AppLoadContext, options: { allowPendingPassword?: boolean } = {}) {
  const session = await getSession(request, context);
  if (!session) throw loginRedirect(request);
  if (session.user.mustChangePassword && !options.allowPendingPassword) throw redirect("/account/password");
  return session;
}

/**
 * The signed-in member and the organisation they are working in. Every organisation-scoped query
 * takes `organisation.id` from here, never from the request.
 */
export async function requireMember(request: Request, context: AppLoadContext, permission?: Permission) {
  const session = await requireUser(request, context);
  let membership = session.organisationId ? await findMembership(context.db, session.userId, session.organisationId) : null;
  if (!membership) {
    const [first] = await membershipsOf(context.db, session.userId);
    if (!first) throw redirect("/orgs/new");
    membership = first;
    await setSessionOrganisation(context.db, session, first);
  }
  if (permission && !can(membership.role, permission)) forbidden();
  return { session, user: session.user, membership, organisation: membership.organisation, role: membership.role };
}

export async function startSession(context: AppLoadContext, userId: string, organisationId: string | null) {
  const { token } = await createSession(context.db, userId, organisationId, new Date());
  return sessionCookie(context, token);
}

export async function endSession(request: Request, context: AppLoadContext) {
  const token = cookieValue(request, SESSION_COOKIE);
  if (token) await destroySession(context.db, token);
  return clearSessionCookie(context);
}

/**
 * Where to send the browser after a form, from a target that came with the request (`redirectTo`).
 * The target is parsed the way a browser will read it (WHATWG URL, against the app's origin: tabs and
 * line breaks are dropped, backslashes are slashes) and kept only when it stays on the app's origin;
 * anything else gives `fallback`. The answer is the parsed path, query and fragment, so it can never
 * be read as another host (`//evil.example`) or break the Location header.
 */
export function safeRedirectTarget(target: unknown, appOrigin: string, fallback = "/invoices"): string {
  if (typeof target !== "string" || target === "" || target.length > 2048) return fallback;
  const origin = new URL(appOrigin).origin;
  let url: URL;
  try {
    url = new URL(target, origin);
  } catch {
    return fallback;
  }
  if (url.origin !== origin || url.username || url.password) return fallback;
  const local = url.pathname + url.search + url.hash;
  // A path that starts with two slashes (or a slash and a backslash) is another host to a browser.
  return /^\/[\\/]/.test(local) ? fallback : local;
}

/**
 * A browser where an account logged in before: the per-account slow-down (app/domain/throttling.ts)
 * does not apply there, so strangers attacking an account cannot keep its owner out. The cookie holds a
 * keyed hash per account (a few at most), which tells nothing and cannot be made without SESSION_SECRET.
 */
const KNOWN_BROWSER_COOKIE = "known";
const KNOWN_ACCOUNTS = 5;
const knownMark = (context: AppLoadContext, email: string) => hmac(context.config.SESSION_SECRET, `known-browser:${email}`).slice(0, 22);
const knownMarks = (request: Request) => (cookieValue(request, KNOWN_BROWSER_COOKIE) ?? "").split(".").filter(Boolean).slice(0, KNOWN_ACCOUNTS);

export function isKnownBrowser(request: Request, context: AppLoadContext, email: string) {
  return knownMarks(request).includes(knownMark(context, email));
}

export function knownBrowserCookie(request: Request, context: AppLoadContext, email: string) {
  const mark = knownMark(context, email);
  const marks = [mark, ...knownMarks(request).filter((m) => m !== mark)].slice(0, KNOWN_ACCOUNTS);
  return serialize(KNOWN_BROWSER_COOKIE, marks.join("."), {
    httpOnly: true,
    sameSite: "lax",
    secure: context.config.secureCookies,
    path: "/login",
    maxAge: 365 * 86400,
  });
}
