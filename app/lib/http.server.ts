import { data } from "react-router";
import type { MessageKey } from "~/i18n";

/** Thrown from loaders and actions; the error boundary renders the translated message. */
export function httpError(status: number, message: MessageKey): never {
  throw data({ message }, { status });
}

export const notFound = (): never => httpError(404, "errors.notFound");
export const forbidden = (): never => httpError(403, "errors.forbidden");

export function positiveInt(value: string | null, fallback = 1): number {
  const parsed = Number(value);
  return Number.isInteger(parsed) && parsed >= 1 && parsed <= 100_000 ? parsed : fallback;
}
