import type { IncomingMessage, ServerResponse } from "node:http";
import { getResponse } from "msw";
import { sandboxHandlers } from ".";
import { SANDBOX_PAGES_ORIGIN } from "./state";

/** Hosts the app's SDKs name in their requests, answered as themselves. */
const PROVIDER_HOSTS = new Set(["api-sandbox.gocardless.com", "api.stripe.com", "connect.stripe.com", "connect-sandbox.gocardless.com"]);

/**
 * Which provider URL an incoming request stands for, so the msw handlers (written against the providers'
 * real URLs) answer it:
 * - GoCardless's SDK keeps its Host header (see integrations/gocardless/sandbox-agent.ts);
 * - Stripe's SDK, pointed here with its host/port/protocol options, sends `/v1/…` and its OAuth calls;
 * - our own GoCardless OAuth calls come under `/gocardless-connect/`, and browsers under `/pages/`.
 */
export function providerUrlOf(path: string, host: string | undefined): string | null {
  const hostname = (host ?? "").split(":")[0];
  if (PROVIDER_HOSTS.has(hostname)) return `https://${hostname}${path}`;
  if (path.startsWith("/v1/")) return `https://api.stripe.com${path}`;
  if (path.startsWith("/oauth/token") || path.startsWith("/oauth/deauthorize")) return `https://connect.stripe.com${path}`;
  if (path.startsWith("/gocardless-connect/")) return `https://connect-sandbox.gocardless.com${path.slice("/gocardless-connect".length)}`;
  if (path.startsWith("/pages/")) return `${SANDBOX_PAGES_ORIGIN}${path}`;
  return null;
}

async function readBody(req: IncomingMessage, limit = 1024 * 1024): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** The sandbox's HTTP front: a request in, the matching handler's answer out. */
export function sandboxRequestHandler(onError: (error: unknown) => void) {
  return async (req: IncomingMessage, res: ServerResponse) => {
    const reply = (status: number, body: string) => {
      res.writeHead(status, { "content-type": "application/json" }).end(body);
    };
    try {
      if (req.url === "/healthz") return reply(200, JSON.stringify({ status: "ok" }));
      const url = providerUrlOf(req.url ?? "/", req.headers.host);
      if (!url) return reply(404, JSON.stringify({ error: { message: "Not a sandbox endpoint", type: "invalid_request_error" } }));
      const hasBody = req.method !== "GET" && req.method !== "HEAD";
      const body = hasBody ? await readBody(req) : null;
      if (hasBody && body === null) return reply(413, JSON.stringify({ error: { message: "Request too large", type: "invalid_request_error" } }));
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string" && name !== "host") headers.set(name, value);
      const request = new Request(url, { method: req.method, headers, body: body?.length ? new Uint8Array(body) : null });
      const answer = await getResponse(sandboxHandlers, request);
      if (!answer) return reply(404, JSON.stringify({ error: { message: `No such endpoint: ${req.method} ${req.url}`, type: "invalid_request_error" } }));
      res.writeHead(answer.status, Object.fromEntries(answer.headers));
      res.end(Buffer.from(await answer.arrayBuffer()));
    } catch (error) {
      onError(error);
      if (!res.headersSent) reply(500, JSON.stringify({ error: { message: "Sandbox error", type: "api_error" } }));
      else res.end();
    }
  };
}
