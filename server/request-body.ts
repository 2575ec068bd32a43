import type { NextFunction, Request, Response } from "express";

/** A body refused by `readBody`, handed to Express's error handlers. */
export class BodyRefused extends Error {
  constructor(
    readonly status: 400 | 413 | 415,
    readonly key: "errors.tooLarge" | "errors.invalid",
  ) {
    super(`request body refused (${status})`);
    this.name = "BodyRefused";
  }
}

/**
 * Reads a request's body into `req.body` (a Buffer), counting its bytes as they arrive: a body announced
 * larger than `limit` is refused before any of it is read, and one streamed without a length
 * (Transfer-Encoding: chunked) as soon as it goes over. Either way the rest is not read (express.raw
 * would read it all to discard it): the error handler answers with `closeAfterAnswer`. Compressed
 * bodies are refused (no page of ours, and no provider, sends one).
 */
export function readBody(limit: number) {
  return (req: Request, _res: Response, next: NextFunction) => {
    const declared = req.headers["content-length"];
    if (req.headers["transfer-encoding"] === undefined && (declared === undefined || declared === "0")) return next();
    if (declared !== undefined && Number(declared) > limit) return next(new BodyRefused(413, "errors.tooLarge"));
    const encoding = req.headers["content-encoding"];
    if (encoding && encoding.toLowerCase() !== "identity") return next(new BodyRefused(415, "errors.invalid"));

    const chunks: Buffer[] = [];
    let received = 0;
    const finish = (error: BodyRefused | null) => {
      req.off("data", onData).off("end", onEnd).off("error", onError).off("close", onClose);
      if (error) {
        req.pause();
        return next(error);
      }
      req.body = Buffer.concat(chunks, received);
      next();
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limit) return finish(new BodyRefused(413, "errors.tooLarge"));
      chunks.push(chunk);
    };
    const onEnd = () => finish(null);
    const onError = () => finish(new BodyRefused(400, "errors.invalid"));
    const onClose = () => finish(new BodyRefused(400, "errors.invalid")); // the client went away mid-body
    req.on("data", onData).on("end", onEnd).on("error", onError).on("close", onClose);
  };
}

/**
 * After refusing a body: the answer says the connection closes, and what the client still sends is not
 * read. Once the answer is out the socket is closed, a moment later if the client is still writing, so
 * that it can read the answer first.
 */
export function closeAfterAnswer(req: Request, res: Response) {
  res.set("Connection", "close");
  req.pause();
  res.once("finish", () => {
    if (req.complete) return;
    const timer = setTimeout(() => req.socket.destroy(), 1000);
    timer.unref();
    req.socket.once("close", () => clearTimeout(timer));
  });
}
