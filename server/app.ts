import { randomUUID } from "node:crypto";
import path from "node:path";
import { createRequestHandler } from "@react-router/express";
import { parse as parseCookies, serialize as serializeCookie } from "cookie";
import express, { type NextFunction, type Request, type Response } from "express";
import type { ServerBuild } from "react-router";
import { localeFromAcceptLanguage, translator } from "~/i18n";
import type { Config } from "~/lib/config.server";
import type { Db } from "~/lib/db.server";
import type { Logger } from "~/lib/logger.server";
import { hmac, randomToken } from "~/lib/tokens.server";
import type { Providers } from "../integrations";

export const CSRF_COOKIE = "csrf";
const MAX_BODY_BYTES = 1024 * 1024;
const REQUEST_ID = /^[\w.-]{1,64}$/;
/** Paths whose segments after the prefix are secrets (reset links, invitations, consultation links). */
const SECRET_PATHS = /^(\/(?:reset-password|invitation|i|pay)\/)[^/]+/;

export interface ServerDeps {
  build: ServerBuild;
  db: Db;
  providers: Providers;
  config: Config;
  logger: Logger;
  kickOutbox?: () => void;
  kickWebhooks?: () => void;
  clientDir?: string;
}

/** The path as it may appear in a log: no query string (OAuth codes) and no secret path segments. */
export function loggablePath(url: string): string {
  return url.split("?")[0].replace(SECRET_PATHS, "$1[redacted]");
}

function refuse(req: Request, res: Response, status: number, key: "errors.crossSite" | "errors.tooLarge") {
  const t = translator(localeFromAcceptLanguage(req.get("accept-language") ?? null));
  res.status(status).type("text/plain; charset=utf-8").send(t(key));
}

export function createServer(deps: ServerDeps) {
  const { build, db, config, logger, providers } = deps;
  const kickOutbox = deps.kickOutbox ?? (() => {});
  const kickWebhooks = deps.kickWebhooks ?? (() => {});
  const clientDir = deps.clientDir ?? path.resolve("build/client");
  const appOrigin = new URL(config.APP_URL).origin;
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", "loopback");

  app.use((req, res, next) => {
    const incoming = req.get("x-request-id");
    const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.locals.requestId = requestId;
    res.locals.log = logger.child({ requestId });
    res.setHeader("X-Request-Id", requestId);
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("X-Frame-Options", "DENY");
    // Consultation and reset links carry secrets in their path: never leak them to other sites.
    res.setHeader("Referrer-Policy", "same-origin");
    const started = process.hrtime.bigint();
    res.on("finish", () => {
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      res.locals.log.info({ method: req.method, path: loggablePath(req.originalUrl), status: res.statusCode, durationMs: Math.round(durationMs * 10) / 10 }, "request");
    });
    next();
  });

  app.get("/healthz", async (_req, res) => {
    try {
      await db.$queryRaw`SELECT 1`;
      res.status(200).json({ status: "ok" });
    } catch (error) {
      res.locals.log.error({ err: error }, "health check failed");
      res.status(503).json({ status: "unavailable" });
    }
  });

  app.use("/assets", express.static(path.join(clientDir, "assets"), { immutable: true, maxAge: "1y", index: false }));
  app.use(express.static(clientDir, { maxAge: "1h", index: false }));

  app.use((req, res, next) => {
    const length = Number(req.get("content-length") ?? 0);
    if (length > MAX_BODY_BYTES) return refuse(req, res, 413, "errors.tooLarge");
    if (req.method === "GET" || req.method === "HEAD" || req.method === "OPTIONS" || req.path.startsWith("/webhooks/")) return next();
    // Browsers say where a form post comes from: anything from another site is refused before any action runs.
    const fetchSite = req.get("sec-fetch-site");
    const origin = req.get("origin");
    const sameOrigin = !origin || origin === appOrigin || origin === `${req.protocol}://${req.get("host")}`;
    if (fetchSite === "cross-site" || !sameOrigin) return refuse(req, res, 403, "errors.crossSite");
    next();
  });

  app.use((req, res, next) => {
    const cookies = parseCookies(req.get("cookie") ?? "");
    let secret = cookies[CSRF_COOKIE];
    if (!secret || secret.length < 32) {
      secret = randomToken();
      res.append("Set-Cookie", serializeCookie(CSRF_COOKIE, secret, { httpOnly: true, sameSite: "lax", secure: config.secureCookies, path: "/" }));
    }
    res.locals.csrfToken = hmac(config.SESSION_SECRET, `csrf:${secret}`);
    next();
  });

  app.use(
    createRequestHandler({
      build,
      mode: config.NODE_ENV === "development" ? "development" : "production",
      getLoadContext: (_req, res) => ({
        db,
        providers,
        config,
        log: res.locals.log,
        requestId: res.locals.requestId,
        csrfToken: res.locals.csrfToken,
        kickOutbox,
        kickWebhooks,
      }),
    }),
  );

  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    res.locals.log?.error({ err: error }, "unhandled error");
    if (res.headersSent) return res.end();
    const t = translator(localeFromAcceptLanguage(req.get("accept-language") ?? null));
    res.status(500).type("text/plain; charset=utf-8").send(`${t("errors.unexpected")}\n${t("errors.reference", { id: res.locals.requestId })}`);
  });

  return app;
}
