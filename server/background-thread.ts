import { performance } from "node:perf_hooks";
import { Worker, type MessagePort } from "node:worker_threads";
import type { RequestHandler } from "msw";
import type { Config } from "~/lib/config.server";
import type { Logger } from "~/lib/logger.server";
import type { BackgroundData } from "./background";

interface WireRequest {
  method: string;
  url: string;
  headers: [string, string][];
  body: Uint8Array | null;
}
interface WireResponse {
  status: number;
  headers: [string, string][];
  body: Uint8Array;
}

export type BackgroundMessage =
  | { type: "kick"; queue: "outbox" | "webhooks" }
  | { type: "stop" }
  | { type: "stopped" }
  | { type: "sandbox-request"; id: number; request: WireRequest }
  | { type: "sandbox-response"; id: number; response: WireResponse | null };

/**
 * Starts the background thread (server/background.ts) and keeps it running: it is started again if it
 * ever exits. It gives way while this thread is busy answering requests. While no real provider credentials are set, its provider calls are answered by the
 * sandbox on this thread, where the sandbox's state (accounts, checkouts, mandates) lives.
 */
export function startBackgroundThread(config: Config, logger: Logger, sandboxHandlers: RequestHandler[]) {
  // How busy this thread has been lately (percent of the last 50 ms), for the background thread to give way.
  const requestThreadLoad = new SharedArrayBuffer(4);
  const load = new Int32Array(requestThreadLoad);
  let previous = performance.eventLoopUtilization();
  const sampler = setInterval(() => {
    const current = performance.eventLoopUtilization();
    Atomics.store(load, 0, Math.round(performance.eventLoopUtilization(current, previous).utilization * 100));
    previous = current;
  }, 50);
  sampler.unref();
  let worker: Worker;
  let stopping = false;

  const start = () => {
    worker = new Worker(new URL("./background-entry.mjs", import.meta.url), { workerData: { config, requestThreadLoad } satisfies BackgroundData });
    worker.on("message", async (message: BackgroundMessage) => {
      if (message.type !== "sandbox-request") return;
      const { method, url, headers, body } = message.request;
      let response: WireResponse | null;
      try {
        const { getResponse } = await import("msw");
        const answer = await getResponse(sandboxHandlers, new Request(url, { method, headers, body: body as BodyInit | null }));
        response = answer ? { status: answer.status, headers: [...answer.headers], body: new Uint8Array(await answer.arrayBuffer()) } : null;
      } catch (error) {
        logger.error({ err: error }, "sandbox failed to answer the background thread");
        response = { status: 500, headers: [], body: new Uint8Array() };
      }
      worker.postMessage({ type: "sandbox-response", id: message.id, response } satisfies BackgroundMessage);
    });
    worker.on("error", (error) => logger.error({ err: error }, "background thread failed"));
    worker.on("exit", (code) => {
      if (stopping) return;
      logger.error({ code }, "background thread stopped; starting it again");
      setTimeout(start, 1000).unref();
    });
  };
  start();

  const kick = (queue: "outbox" | "webhooks") => () => worker.postMessage({ type: "kick", queue } satisfies BackgroundMessage);
  return {
    kickOutbox: kick("outbox"),
    kickWebhooks: kick("webhooks"),
    /** Lets the current webhook event or email finish (at most `timeoutMs`), then ends the thread. */
    async stop(timeoutMs = 4000) {
      stopping = true;
      const stopped = new Promise((resolve) => worker.on("message", (m: BackgroundMessage) => m.type === "stopped" && resolve(null)));
      worker.postMessage({ type: "stop" } satisfies BackgroundMessage);
      await Promise.race([stopped, new Promise((resolve) => setTimeout(resolve, timeoutMs))]);
      await worker.terminate();
    },
  };
}

/** In the background thread: every outgoing HTTP request is offered to the sandbox on the request thread first. */
export async function forwardSandboxRequests(port: MessagePort) {
  const { http, passthrough, HttpResponse } = await import("msw");
  const { setupServer } = await import("msw/node");
  const pending = new Map<number, (response: WireResponse | null) => void>();
  let nextId = 0;
  port.on("message", (message: BackgroundMessage) => {
    if (message.type === "sandbox-response") {
      pending.get(message.id)?.(message.response);
      pending.delete(message.id);
    }
  });
  setupServer(
    http.all("*", async ({ request }) => {
      const body = request.method === "GET" || request.method === "HEAD" ? null : new Uint8Array(await request.arrayBuffer());
      const id = nextId++;
      const answer = await new Promise<WireResponse | null>((resolve) => {
        pending.set(id, resolve);
        port.postMessage({
          type: "sandbox-request",
          id,
          request: { method: request.method, url: request.url, headers: [...request.headers], body },
        } satisfies BackgroundMessage);
      });
      return answer ? new HttpResponse(answer.body, { status: answer.status, headers: answer.headers }) : passthrough();
    }),
  ).listen({ onUnhandledRequest: "bypass" });
}
