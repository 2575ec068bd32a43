import type { IncomingMessage, ServerResponse } from "node:http";
import { createEventInbox } from "~/domain/webhooks";
import { createRowWriter, type Db } from "~/lib/db.server";
import type { Logger } from "~/lib/logger.server";
import type { Providers } from "../integrations";
import { isProviderId } from "../integrations/types";
import { startRequest } from "./request-basics";

const MAX_WEBHOOK_BYTES = 1024 * 1024;
const WEBHOOK_PATH = /^\/webhooks\/([^/?]*)\/?(?:\?.*)?$/;

export function isWebhookRequest(req: IncomingMessage) {
  return req.url?.startsWith("/webhooks/") ?? false;
}

/** The raw body, or null when it is larger than allowed. */
async function readBody(req: IncomingMessage, limit: number): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * Provider webhooks, answered before Express (they come in bursts, and providers retry what is slow):
 * the signature is checked on the raw body, each event is stored once, and the delivery is
 * acknowledged at once; processing happens in the background.
 */
export function webhookEndpoint(deps: { db: Db; databaseUrl: string; providers: Providers; logger: Logger; kickWebhooks: () => void }) {
  const inbox = createEventInbox(createRowWriter(deps.db, deps.databaseUrl));
  return async (req: IncomingMessage, res: ServerResponse) => {
    const { log } = startRequest(req, res, deps.logger);
    const reply = (status: number, text?: string) => {
      res.statusCode = status;
      if (text) res.setHeader("Content-Type", "text/plain; charset=utf-8");
      res.end(text);
    };
    const tooLarge = () => {
      res.setHeader("Connection", "close"); // the rest of the body is not read
      reply(413, "body too large");
    };
    const provider = WEBHOOK_PATH.exec(req.url ?? "")?.[1];
    if (!isProviderId(provider)) return reply(404, "unknown provider");
    if (req.method !== "POST") {
      res.setHeader("Allow", "POST");
      return reply(405, "POST only");
    }
    if (!(req.headers["content-type"] ?? "").includes("json")) return reply(415, "expected application/json");
    if (Number(req.headers["content-length"] ?? 0) > MAX_WEBHOOK_BYTES) return tooLarge();
    try {
      const body = await readBody(req, MAX_WEBHOOK_BYTES);
      if (body === null) return tooLarge();
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
      const result = deps.providers.get(provider).parseWebhook(body, headers);
      if (!result.ok) {
        log.warn({ provider, reason: result.reason }, "webhook refused");
        return reply(result.status, result.reason);
      }
      const { stored, duplicates } = await inbox.store({ provider, events: result.events });
      log.info({ provider, events: result.events.length, stored, duplicates }, "webhook received");
      if (stored > 0) deps.kickWebhooks();
      reply(204);
    } catch (error) {
      // Not acknowledged: the provider delivers it again later.
      log.error({ err: error, provider }, "webhook not stored");
      if (!res.headersSent) reply(503, "not stored, retry later");
    }
  };
}
