import type { Submission } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { z } from "zod";
import { isMessageKey, type MessageKey } from "~/i18n";

export type FormSubmission<Value> = Submission<unknown, MessageKey[], Value>;

/** A zod issue without a message of ours (a missing field, a wrong type) still reads as a message key. */
const fallbackMessage = (issue: { input?: unknown }): MessageKey => (issue.input === undefined ? "errors.required" : "errors.invalid");

/**
 * conform's `parseWithZod` as every form of ours uses it, on the server (`parseForm`) and in the browser
 * (`onValidate`): errors are message keys, and no type guessing, since our schemas read the strings as
 * typed ("1 234,50", "on", trimmed text).
 */
export function parseFormData<S extends z.ZodType>(form: FormData, schema: S): FormSubmission<z.output<S>> {
  return parseWithZod(form, {
    schema,
    disableAutoCoercion: true,
    error: fallbackMessage,
    formatError: (issues: z.core.$ZodIssue[]): MessageKey[] => issues.map((issue) => (isMessageKey(issue.message) ? issue.message : "errors.invalid")),
  }) as FormSubmission<z.output<S>>;
}
