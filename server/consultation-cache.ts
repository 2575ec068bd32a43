import type { IncomingMessage, ServerResponse } from "node:http";
import type { NextFunction, Request, Response } from "express";
import { createRequestHandler, type AppLoadContext, type ServerBuild } from "react-router";
import { consultationStamp } from "~/domain/consultation";
import type { Throttles } from "~/domain/throttling";
import { localeFromAcceptLanguage } from "~/i18n";
import type { Db } from "~/lib/db.server";
import { LOCALE_COOKIE, SESSION_COOKIE } from "~/lib/session.server";
import { hashToken, randomToken } from "~/lib/tokens.server";

const CONSULTATION_PATH = /^\/i\/([\w-]{20,100})$/;

interface KeptPage {
  stamp: string;
  headers: [string, string][];
  /** The page's bytes, cut where the visitor's CSRF token or the answer's CSP nonce goes. */
  parts: Buffer[];
  /** What goes between `parts[i]` and `parts[i + 1]`. */
  gaps: ("csrfToken" | "cspNonce")[];
  length: number;
}

/**
 * The consultation page is what customers open, many at once after a mailing or a reminder run. For a
 * visitor without a session it is rendered once per invoice state and language, then served from memory.
 * Every request still reads the content version and checks the link (one query), so a payment, a void
 * or a revoked link shows at once. The visitor's CSRF token is put into the kept bytes on the way out.
 */
export function consultationCache(deps: {
  build: ServerBuild;
  mode: string;
  db: Db;
  loadContext: (res: Response, secrets: { csrfToken: string; cspNonce: string }) => AppLoadContext;
  throttles: Throttles;
  maxEntries?: number;
}) {
  const render = createRequestHandler(deps.build, deps.mode);
  const maxEntries = deps.maxEntries ?? 500;
  const pages = new Map<string, KeptPage>();
  // Rendered in place of the visitor's own values, then cut out: what is kept is the same for every visitor.
  const placeholders = {
    csrfToken: `csrf${randomToken().replace(/[^A-Za-z0-9]/g, "")}`,
    cspNonce: `nonce${randomToken().replace(/[^A-Za-z0-9]/g, "")}`,
  };
  const cut = new RegExp(`(${placeholders.csrfToken}|${placeholders.cspNonce})`);

  /** The cache key and current stamp of a cacheable request, or null (other page, query string, signed-in merchant, unknown link). */
  async function lookup(req: Request, res: Response) {
    const match = req.method === "GET" || req.method === "HEAD" ? CONSULTATION_PATH.exec(req.originalUrl) : null;
    if (!match) return null;
    const cookies: Record<string, string | undefined> = res.locals.cookies;
    if (cookies[SESSION_COOKIE]) return null; // a signed-in merchant's page carries their own header
    // A client refused for guessing links is answered by the page's loader (429), never from memory.
    if (deps.throttles.refusedHere("linkGuesses", res.locals.clientIp)) return null;
    const tokenHash = hashToken(match[1]);
    const stamp = await consultationStamp(deps.db, tokenHash);
    if (!stamp) return null; // unknown or revoked: the usual 404 page
    const key = `${tokenHash}|${cookies[LOCALE_COOKIE] ?? ""}|${localeFromAcceptLanguage(req.headers["accept-language"] ?? null)}`;
    return { key, stamp };
  }

  function send(req: IncomingMessage, res: ServerResponse, page: KeptPage, secrets: { csrfToken: string; cspNonce: string }) {
    for (const [name, value] of page.headers) res.setHeader(name, value);
    const values = { csrfToken: Buffer.from(secrets.csrfToken), cspNonce: Buffer.from(secrets.cspNonce) };
    res.statusCode = 200;
    res.setHeader("Content-Length", page.length + page.gaps.reduce((sum, gap) => sum + values[gap].length, 0));
    if (req.method === "HEAD") return res.end();
    res.cork();
    page.parts.forEach((part, i) => {
      if (i > 0) res.write(values[page.gaps[i - 1]]);
      res.write(part);
    });
    res.end();
    res.uncork();
  }

  /** Serves the kept page when it is current; otherwise renders it once for its current state and keeps it. */
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const found = await lookup(req, res);
      if (!found) return next();
      const kept = pages.get(found.key);
      const secrets = { csrfToken: res.locals.csrfToken as string, cspNonce: res.locals.cspNonce as string };
      if (kept?.stamp === found.stamp) return send(req, res, kept, secrets);
      const headers = new Headers();
      for (const name of ["cookie", "accept-language", "user-agent"]) if (req.get(name)) headers.set(name, req.get(name)!);
      const response = await render(new Request(`${req.protocol}://${req.get("host")}${req.originalUrl}`, { headers }), deps.loadContext(res, placeholders));
      const html = await response.text();
      if (response.status !== 200) {
        const own = html.replaceAll(placeholders.csrfToken, secrets.csrfToken).replaceAll(placeholders.cspNonce, secrets.cspNonce);
        res.status(response.status).set(Object.fromEntries(response.headers)).send(own);
        return;
      }
      // split() with a capturing group alternates text and the placeholder found: even indexes are text.
      const pieces = html.split(cut);
      const parts = pieces.filter((_, i) => i % 2 === 0).map((part) => Buffer.from(part));
      const gaps = pieces.filter((_, i) => i % 2 === 1).map((found): KeptPage["gaps"][number] => (found === placeholders.csrfToken ? "csrfToken" : "cspNonce"));
      const page: KeptPage = { stamp: found.stamp, headers: [...response.headers], parts, gaps, length: parts.reduce((sum, part) => sum + part.length, 0) };
      pages.delete(found.key);
      pages.set(found.key, page);
      if (pages.size > maxEntries) pages.delete(pages.keys().next().value!);
      send(req, res, page, secrets);
    } catch (error) {
      next(error);
    }
  };
}
