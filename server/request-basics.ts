import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { serialize as serializeCookie } from "cookie";
import type { Config } from "~/lib/config.server";
import { loggablePath, type Logger } from "~/lib/logger.server";
import { hmac, randomToken } from "~/lib/tokens.server";

export const CSRF_COOKIE = "csrf";
const REQUEST_ID = /^[\w.-]{1,64}$/;
/**
 * What every response gets, whether Express answers it or not: a request id (the caller's when it
 * looks like one), security headers, and one log line when it is finished.
 */
export function startRequest(req: IncomingMessage, res: ServerResponse, logger: Logger) {
  const incoming = req.headers["x-request-id"];
  const requestId = typeof incoming === "string" && REQUEST_ID.test(incoming) ? incoming : randomUUID();
  let log: Logger | undefined; // created on first use: most requests log one line, at the end
  const basics = {
    requestId,
    get log() {
      return (log ??= logger.child({ requestId }));
    },
  };
  res.setHeader("X-Request-Id", requestId);
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("X-Frame-Options", "DENY");
  // Consultation and reset links carry secrets in their path: never leak them to other sites.
  res.setHeader("Referrer-Policy", "same-origin");
  if (logger.isLevelEnabled("info")) {
    const started = process.hrtime.bigint();
    const path = loggablePath(req.url ?? "/");
    res.on("finish", () => {
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      basics.log.info({ method: req.method, path, status: res.statusCode, durationMs: Math.round(durationMs * 10) / 10 }, "request");
    });
  }
  return basics;
}

/** The form token for this browser: an HMAC of a random cookie, which is set on the first visit. */
export function csrfTokenFor(cookies: Record<string, string | undefined>, res: ServerResponse, config: Pick<Config, "SESSION_SECRET" | "secureCookies">) {
  let secret = cookies[CSRF_COOKIE];
  if (!secret || secret.length < 32) {
    secret = randomToken();
    const cookie = serializeCookie(CSRF_COOKIE, secret, { httpOnly: true, sameSite: "lax", secure: config.secureCookies, path: "/" });
    const previous = res.getHeader("Set-Cookie");
    res.setHeader("Set-Cookie", previous === undefined ? [cookie] : [...(Array.isArray(previous) ? previous : [String(previous)]), cookie]);
  }
  return hmac(config.SESSION_SECRET, `csrf:${secret}`);
}

/**
 * The client a rate limit counts: its address (what Express's `trust proxy` setting makes of the
 * forwarding headers), an IPv4-mapped IPv6 address as IPv4, and an IPv6 address as its /64 (one
 * subscriber's network: each can use any of its 2^64 addresses).
 */
export function clientKey(address: string | undefined): string {
  if (!address) return "unknown";
  const plain = address.replace(/%.*$/, "");
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(plain);
  if (mapped) return mapped[1];
  if (!plain.includes(":")) return plain;
  const [head, tail] = plain.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups = [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill("0"), ...right];
  return `${groups
    .slice(0, 4)
    .map((group) => (Number.parseInt(group, 16) || 0).toString(16))
    .join(":")}::/64`;
}
