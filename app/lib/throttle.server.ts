import { data, type AppLoadContext } from "react-router";
import { type Gate, type Throttled, minutesOf } from "~/domain/throttling";
import { httpError } from "./http.server";
import { type FormSubmission, replyTo } from "./forms.server";

const retryAfter = (refusal: Throttled) => ({ "Retry-After": String(Math.ceil(refusal.retryAfterMs / 1000)) });

/** A refused form: 429, the form as typed, and "too many attempts, try again in N minutes". */
export function tooManyAttempts(submission: FormSubmission<unknown>, refusal: Throttled) {
  return data({ result: replyTo(submission), retryMinutes: minutesOf(refusal.retryAfterMs) }, { status: 429, headers: retryAfter(refusal) });
}

/** For loaders and actions without a form of their own to show it: the error page says the same. */
export function throwIfRefused(gate: Gate) {
  if (!gate.ok) httpError(429, "errors.tooManyAttempts", { vars: { minutes: minutesOf(gate.retryAfterMs) }, headers: retryAfter(gate) });
}

/**
 * Secret links (reset, sign-up, invitation, consultation): a client that asked for too many unknown ones is refused
 * every link, known or not, so a right guess cannot be told from a wrong one.
 */
export async function refuseLinkGuessers(context: AppLoadContext) {
  throwIfRefused(await context.throttles.check("linkGuesses", context.clientIp));
}

/** Counts an unknown (or used, or expired) link asked for by this client; refused once there were too many. */
export async function countUnknownLink(context: AppLoadContext) {
  throwIfRefused(await context.throttles.consume("linkGuesses", context.clientIp));
}
