import { data } from "react-router";
import { isMessageKey, translator, type Locale, type MessageKey, type Vars } from "~/i18n";

/** Thrown from loaders and actions; the error boundary renders the translated message (with its `vars`). */
export function httpError(status: number, message: MessageKey, options: { vars?: Vars; headers?: HeadersInit } = {}): never {
  throw data({ message, vars: options.vars }, { status, headers: options.headers });
}

export const notFound = (): never => httpError(404, "errors.notFound");
export const forbidden = (): never => httpError(403, "errors.forbidden");

export function positiveInt(value: string | null, fallback = 1): number {
  const parsed = Number(value);
  return Number.isInteger(parsed) && parsed >= 1 && parsed <= 100_000 ? parsed : fallback;
}

/**
 * Resource routes (PDFs, webhooks) have no error boundary: a thrown `httpError` would reach the
 * client as raw JSON. This turns it into a translated plain-text answer; redirects pass through.
 */
export async function asResource(locale: () => Promise<Locale>, work: () => Promise<Response>): Promise<Response> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof Response) return error;
    const init = (error as { init?: { status?: number; headers?: HeadersInit } })?.init;
    const { message, vars } = (error as { data?: { message?: unknown; vars?: Vars } })?.data ?? {};
    if (init?.status && isMessageKey(message)) {
      const headers = new Headers(init.headers);
      headers.set("Content-Type", "text/plain; charset=utf-8");
      return new Response(translator(await locale())(message, vars), { status: init.status, headers });
    }
    throw error;
  }
}

/**
 * Forms open to anyone that must not tell whether an address has an account (sign-up, forgotten password)
 * answer no sooner than this after they start: the work differs with the account (a token and an email
 * written, or nothing), the time seen from outside does not.
 */
export const ACCOUNT_FORM_ANSWER_MS = 150;

/** Waits for `work` and for `ms` to pass, whichever is later. */
export async function atLeast<T>(ms: number, work: Promise<T>): Promise<T> {
  const [result] = await Promise.all([work, new Promise((resolve) => setTimeout(resolve, ms))]);
  return result;
}
