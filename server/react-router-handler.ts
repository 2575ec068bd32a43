import { writeReadableStreamToWritable } from "@react-router/node";
import type { NextFunction, Request, Response } from "express";
import { type AppLoadContext, createRequestHandler, type ServerBuild } from "react-router";

/**
 * React Router behind Express, as `@react-router/express` does it, with one difference: the Fetch
 * Request is given the body that `readBody` (server/request-body.ts) has already read within the
 * size limit, never the raw Node stream (which React Router would read whole, however large).
 */
export function reactRouterHandler(options: { build: ServerBuild; mode: string; getLoadContext: (req: Request, res: Response) => AppLoadContext }) {
  const handle = createRequestHandler(options.build, options.mode);
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const controller = new AbortController();
      res.on("close", () => {
        if (!res.writableFinished) controller.abort();
      });
      const response = await handle(fetchRequest(req, controller.signal), options.getLoadContext(req, res));
      await send(res, response);
    } catch (error) {
      next(error);
    }
  };
}

function fetchRequest(req: Request, signal: AbortSignal): globalThis.Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else if (value !== undefined) headers.set(name, value);
  }
  const url = new URL(`${req.protocol}://${hostOf(req)}${req.originalUrl}`);
  const body = req.method !== "GET" && req.method !== "HEAD" && Buffer.isBuffer(req.body) ? new Uint8Array(req.body) : undefined;
  return new globalThis.Request(url.href, { method: req.method, headers, signal, body });
}

/** The host the browser used (with X-Forwarded-Host when proxies are trusted), as @react-router/express reads it. */
function hostOf(req: Request) {
  const [, forwardedPort] = req.app?.enabled("trust proxy") ? (req.get("X-Forwarded-Host")?.split(":") ?? []) : [];
  const [, hostPort] = req.get("host")?.split(":") ?? [];
  const port = [Number.parseInt(forwardedPort ?? "", 10), Number.parseInt(hostPort ?? "", 10)].find(Number.isSafeInteger);
  const hostname = req.hostname.split(/[\\/?#@]/)[0] || "localhost";
  return `${hostname}${port ? `:${port}` : ""}`;
}

async function send(res: Response, response: globalThis.Response) {
  if (res.destroyed || res.writableEnded) {
    await response.body?.cancel();
    return;
  }
  res.statusMessage = response.statusText;
  res.status(response.status);
  for (const [name, value] of response.headers.entries()) {
    if (name === "cache-control")
      res.setHeader(name, value); // the route's word replaces the default (no-store)
    else res.append(name, value);
  }
  if (!response.body) return void res.end();
  try {
    await writeReadableStreamToWritable(response.body, res);
  } catch (error) {
    if (!(res.destroyed || res.writableEnded)) throw error;
  }
}
