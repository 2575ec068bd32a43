import express, { type NextFunction, type Request, type Response } from "express";
import { createEventInbox } from "~/domain/webhooks";
import { createRowWriter, type Db } from "~/lib/db.server";
import type { Providers } from "../integrations";
import { BodyRefused, closeAfterAnswer, readBody } from "./request-body";
import { isProviderId } from "../integrations/types";

const MAX_WEBHOOK_BYTES = 1024 * 1024;

/**
 * POST /webhooks/:provider: the signature is checked on the raw body, each event is stored once, and
 * the delivery is acknowledged at once (providers retry what is slow); the worker processes it later.
 * Anything else gets a plain 4xx that says what is wrong; a delivery that could not be stored gets a
 * 503, so the provider delivers it again.
 */
export function webhookRoutes(deps: { db: Db; providers: Providers }) {
  const inbox = createEventInbox(createRowWriter(deps.db));
  const router = express.Router();
  const reply = (res: Response, status: number, text?: string) => (text ? res.status(status).type("text/plain").send(text) : res.status(status).end());

  router.all("/webhooks/:provider", (req, res, next) => {
    if (!isProviderId(req.params.provider)) return reply(res, 404, "unknown provider");
    if (req.method !== "POST") return reply(res.set("Allow", "POST"), 405, "POST only");
    if (!req.is("json")) return reply(res, 415, "expected application/json");
    next();
  });
  router.post("/webhooks/:provider", readBody(MAX_WEBHOOK_BYTES), async (req, res) => {
    const provider = req.params.provider as keyof Pick<Providers, "gocardless" | "stripe">;
    const log = res.locals.log;
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
    const body = Buffer.isBuffer(req.body) ? req.body.toString("utf8") : "";
    const result = deps.providers.get(provider).parseWebhook(body, headers);
    if (!result.ok) {
      log.warn({ provider, reason: result.reason }, "webhook refused");
      return reply(res, result.status, result.reason);
    }
    try {
      const { stored, duplicates } = await inbox.store({ provider, events: result.events });
      log.info({ provider, events: result.events.length, stored, duplicates }, "webhook received");
      reply(res, 204);
    } catch (error) {
      log.error({ err: error, provider }, "webhook not stored");
      reply(res, 503, "not stored, retry later");
    }
  });
  router.use("/webhooks", (error: unknown, req: Request, res: Response, next: NextFunction) => {
    if (!(error instanceof BodyRefused)) return next(error);
    // What the provider still sends is not read: the answer goes out and the connection closes.
    closeAfterAnswer(req, res);
    reply(res, error.status, { 413: "body too large", 415: "encoded bodies not accepted", 400: "unreadable body" }[error.status]);
  });
  return router;
}
