import { data, type AppLoadContext } from "react-router";
import type { z } from "zod";
import type { FormResult } from "~/domain/validation";
import type { MessageKey } from "~/i18n";
import { parseFormData, type FormSubmission } from "./forms";
import { httpError } from "./http.server";
import { safeEqual } from "./tokens.server";

export type { FormResult, FormSubmission };

/** Fields never sent back to the browser with a refused form. */
const NEVER_ECHOED = ["csrf", "password", "confirm", "currentPassword"];
/** A list index above this is no form of ours (and a huge one would make a huge sparse array). */
const MAX_LIST_INDEX = 999;

/**
 * Reads the body of a form post. It refuses any form without this browser's CSRF token, and a body
 * that is not a form, before anything else looks at it.
 */
async function readFormData(request: Request, context: AppLoadContext): Promise<FormData> {
  const type = request.headers.get("content-type") ?? "";
  if (!type.startsWith("application/x-www-form-urlencoded") && !type.startsWith("multipart/form-data")) httpError(415, "errors.invalid");
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    httpError(400, "errors.invalid");
  }
  const token = form.get("csrf");
  if (typeof token !== "string" || !safeEqual(token, context.csrfToken)) httpError(403, "errors.csrf");
  return form;
}

/**
 * The way actions read a form: the CSRF check above, then the route's zod schema through conform's
 * `parseWithZod`. A schema may depend on the form itself (the invoice form's amounts depend on its currency).
 */
export async function parseForm<S extends z.ZodType>(
  request: Request,
  context: AppLoadContext,
  schema: S | ((form: FormData) => S),
): Promise<FormSubmission<z.output<S>>> {
  const form = await readFormData(request, context);
  return parseSubmission(form, typeof schema === "function" ? schema(form) : schema);
}

/** A bracketed index in a field name (`lines[3].quantity`) beyond what our forms have: a huge one would make a huge sparse list. */
const hasLargeIndex = (name: string) => [...name.matchAll(/\[(\d+)\]/g)].some(([, index]) => index.length > 3 || Number(index) > MAX_LIST_INDEX);

/**
 * Without JavaScript, the invoice form's "add line" and "remove" buttons post conform's `__intent__`
 * (the list changes on the server, and the form comes back). That and nothing else is accepted here.
 */
function isAcceptableIntent(serialized: FormDataEntryValue | null) {
  if (serialized === null) return true;
  if (typeof serialized !== "string") return false;
  try {
    const intent = JSON.parse(serialized) as { type?: unknown; payload?: { name?: unknown; index?: unknown } };
    const { name, index } = intent.payload ?? {};
    return (
      (intent.type === "insert" || intent.type === "remove") &&
      typeof name === "string" &&
      !hasLargeIndex(name) &&
      (index === undefined || (Number.isInteger(index) && (index as number) >= 0 && (index as number) <= MAX_LIST_INDEX))
    );
  } catch {
    return false;
  }
}

export function parseSubmission<S extends z.ZodType>(form: FormData, schema: S): FormSubmission<z.output<S>> {
  if ([...form.keys()].some(hasLargeIndex) || !isAcceptableIntent(form.get("__intent__")) || form.has("__state__")) httpError(400, "errors.invalid");
  return parseFormData(form, schema);
}

/**
 * The reply that the page's `useForm({ lastResult })` reads: the submitted values (never the secrets
 * above) and the errors, plus any the domain found (a taken email, an unknown customer).
 */
export function replyTo(
  submission: FormSubmission<unknown>,
  options: { formErrors?: MessageKey[]; fieldErrors?: Record<string, MessageKey[]>; resetForm?: boolean } = {},
): FormResult {
  if (options.resetForm) return submission.reply({ resetForm: true });
  return submission.reply({
    hideFields: NEVER_ECHOED,
    ...(options.formErrors ? { formErrors: options.formErrors } : {}),
    ...(options.fieldErrors ? { fieldErrors: options.fieldErrors } : {}),
  });
}

/**
 * A refused form, re-rendered with its values and errors (a plain POST without JavaScript shows the
 * same page). An unknown `intent` is a 400: no page of ours sends one.
 */
export function refuse(submission: FormSubmission<unknown>, options: Parameters<typeof replyTo>[1] = {}) {
  const result = replyTo(submission, options);
  return data({ result }, { status: result.error?.intent ? 400 : 200 });
}
