import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { parse as parseCookies } from "cookie";
import express, { type NextFunction, type Request, type Response } from "express";
import type { ServerBuild } from "react-router";
import { createThrottles, type Throttles } from "~/domain/throttling";
import { localeFromAcceptLanguage, translator } from "~/i18n";
import type { Config } from "~/lib/config.server";
import type { Db } from "~/lib/db.server";
import type { Logger } from "~/lib/logger.server";
import type { Providers } from "../integrations";
import { consultationCache } from "./consultation-cache";
import { reactRouterHandler } from "./react-router-handler";
import { clientKey, csrfTokenFor, startRequest } from "./request-basics";
import { BodyRefused, closeAfterAnswer, readBody } from "./request-body";
import { securityHeaders } from "./security-headers";
import { webhookRoutes } from "./webhook-route";

const MAX_BODY_BYTES = 1024 * 1024;
/**
 * The one exception (decision 0021): a payment file uploaded to /imports (a month of bank statement can
 * pass 1 MiB) may be up to 10 MiB plus the form around it; every other body keeps the 1 MiB limit.
 */
const MAX_IMPORT_BODY_BYTES = 10 * 1024 * 1024 + 64 * 1024;
/** What the app answers to; anything else (TRACE, PUT, OPTIONS, WebDAV…) gets a 405 on every path. */
const ALLOWED_METHODS = ["GET", "HEAD", "POST"];

export interface ServerDeps {
  build: ServerBuild;
  db: Db;
  providers: Providers;
  config: Config;
  logger: Logger;
  clientDir?: string;
  /** Rate limits; by default on `db`, shared with every process using it. */
  throttles?: Throttles;
}

function refuse(
  req: Request,
  res: Response,
  status: number,
  key: "errors.crossSite" | "errors.tooLarge" | "errors.notFound" | "errors.invalid" | "errors.methodNotAllowed",
) {
  const t = translator(localeFromAcceptLanguage(req.get("accept-language") ?? null));
  res.status(status).type("text/plain; charset=utf-8").send(t(key));
}

export function createServer(deps: ServerDeps) {
  const { build, db, config, logger, providers } = deps;
  const clientDir = deps.clientDir ?? path.resolve("build/client");
  const appOrigin = new URL(config.APP_URL).origin;
  const app = express();
  app.disable("x-powered-by");
  // Who the client is (req.ip) for rate limits: the forwarding header only from the proxies named here.
  app.set("trust proxy", config.TRUST_PROXY);
  const throttles = deps.throttles ?? createThrottles(db);

  app.use((req, res, next) => {
    const basics = startRequest(req, res, logger);
    res.locals.requestId = basics.requestId;
    res.locals.clientIp = clientKey(req.ip);
    Object.defineProperty(res.locals, "log", { get: () => basics.log, enumerable: true });
    next();
  });
  app.use(securityHeaders(config));

  app.use((req, res, next) => {
    if (ALLOWED_METHODS.includes(req.method)) return next();
    refuse(req, res.set("Allow", ALLOWED_METHODS.join(", ")), 405, "errors.methodNotAllowed");
  });

  // The local mailbox shows every organisation's emails, reset links included: only to this machine itself,
  // whatever address the server listens on, and never through a proxy (it would make outsiders look local).
  app.use("/mailbox", (req, res, next) => {
    const local = ["127.0.0.1", "::1", "::ffff:127.0.0.1"].includes(req.socket.remoteAddress ?? "");
    if (!local || req.get("x-forwarded-for") || req.get("forwarded")) return refuse(req, res, 404, "errors.notFound");
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

  app.use(webhookRoutes({ db, providers }));

  app.use("/assets", express.static(path.join(clientDir, "assets"), { immutable: true, maxAge: "1y", index: false }));
  // Top-level public files (favicon, robots.txt): looked up by name, so other paths cost no file-system call.
  const publicFiles = new Set(
    existsSync(clientDir)
      ? readdirSync(clientDir, { withFileTypes: true })
          .filter((f) => f.isFile())
          .map((f) => `/${f.name}`)
      : [],
  );
  const serveStatic = express.static(clientDir, { maxAge: "1h", index: false });
  app.use((req, res, next) => (publicFiles.has(req.path) ? serveStatic(req, res, next) : next()));

  app.use((req, res, next) => {
    if (req.method === "GET" || req.method === "HEAD" || req.method === "OPTIONS") return next();
    // Browsers say where a form post comes from: anything from another site is refused before any action runs.
    const fetchSite = req.get("sec-fetch-site");
    const origin = req.get("origin");
    const sameOrigin = !origin || origin === appOrigin || origin === `${req.protocol}://${req.get("host")}`;
    if (fetchSite === "cross-site" || !sameOrigin) return refuse(req, res, 403, "errors.crossSite");
    next();
  });
  // Every body is read here, within the limit, as it arrives (a chunked one too); React Router gets it from memory.
  const readSmallBody = readBody(MAX_BODY_BYTES);
  const readImportBody = readBody(MAX_IMPORT_BODY_BYTES);
  app.use((req, res, next) => (req.method === "POST" && req.path === "/imports" ? readImportBody : readSmallBody)(req, res, next));

  app.use((req, res, next) => {
    res.locals.cookies = parseCookies(req.get("cookie") ?? "");
    res.locals.csrfToken = csrfTokenFor(res.locals.cookies, res, config);
    next();
  });

  const mode = config.NODE_ENV === "development" ? "development" : "production";
  const loadContext = (res: Response, secrets: { csrfToken: string; cspNonce: string }) => ({
    db,
    providers,
    config,
    log: res.locals.log,
    requestId: res.locals.requestId,
    ...secrets,
    throttles,
    clientIp: res.locals.clientIp,
  });
  // Pages hold this browser's CSRF token (and a signed-in merchant's data): no cache keeps them, unless a route says otherwise.
  app.use((_req, res, next) => {
    res.setHeader("Cache-Control", "no-store");
    next();
  });
  const consultation = consultationCache({ build, mode, db, loadContext, throttles });
  app.use(consultation);
  app.use(
    reactRouterHandler({ build, mode, getLoadContext: (_req, res) => loadContext(res, { csrfToken: res.locals.csrfToken, cspNonce: res.locals.cspNonce }) }),
  );

  app.use((error: unknown, req: Request, res: Response, next: NextFunction) => {
    if (!(error instanceof BodyRefused) || res.headersSent) return next(error);
    closeAfterAnswer(req, res);
    refuse(req, res, error.status, error.key);
  });

  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    res.locals.log?.error({ err: error }, "unhandled error");
    if (res.headersSent) return res.end();
    const t = translator(localeFromAcceptLanguage(req.get("accept-language") ?? null));
    res
      .status(500)
      .type("text/plain; charset=utf-8")
      .send(`${t("errors.unexpected")}\n${t("errors.reference", { id: res.locals.requestId })}`);
  });

  return app;
}
