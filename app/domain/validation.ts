import type { SubmissionResult } from "@conform-to/react";
import { z } from "zod";
import type { MessageKey } from "~/i18n";

/**
 * What an action answers a refused form with: conform's reply, whose errors are message keys (translated
 * when rendered), keyed by field name (`lines[0].unitPrice`); "" holds the errors of the whole form.
 */
export type FormResult = SubmissionResult<MessageKey[]>;

/** The older shape of errors, one key per field name; only the sandbox pages (being removed) use it. */

// Field schemas read the strings a form posts as they are (forms are parsed without conform's type
// guessing): text is trimmed, a missing field reads as "", a checkbox is "on" or absent.
export const requiredText = (max = 200) => z.preprocess((v) => v ?? "", z.string().trim().min(1, "errors.required").max(max, "errors.tooLong"));
export const optionalText = (max = 200) => z.preprocess((v) => v ?? "", z.string().trim().max(max, "errors.tooLong"));
export const emailAddress = z.preprocess(
  (v) => (typeof v === "string" ? v.trim().toLowerCase() : ""),
  z.string().min(1, "errors.required").max(254, "errors.tooLong").pipe(z.email("errors.email")),
);
export const optionalEmail = z.preprocess(
  (v) => (typeof v === "string" ? v.trim().toLowerCase() : ""),
  z.union([z.literal(""), z.string().max(254, "errors.tooLong").pipe(z.email("errors.email"))]),
);
export const checkbox = z.preprocess((v) => v === "on" || v === "true" || v === true, z.boolean());
export const localeField = z.enum(["fr", "en"], { error: "errors.locale" });
export const newPassword = z.string({ error: "errors.required" }).min(10, "errors.passwordTooShort").max(256, "errors.passwordTooLong");
/** ISO date from an <input type="date">, as a calendar day at UTC midnight. */
export const calendarDay = z.preprocess(
  (v) => v ?? "",
  z
    .string()
    .min(1, "errors.required")
    .regex(/^\d{4}-\d{2}-\d{2}$/, "errors.date")
    .transform((value, ctx) => {
      const date = new Date(`${value}T00:00:00.000Z`);
      if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) {
        ctx.addIssue({ code: "custom", message: "errors.date" });
        return z.NEVER;
      }
      return date;
    }),
);
/** An id a page put in a form (a hidden input, a select): "" when absent, cut to the length of ours; looking it up says whether it is one. */
export const idField = z.preprocess((v) => (typeof v === "string" ? v.slice(0, 40) : ""), z.string());

export function todayUtc(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

export const newPasswordWithConfirmation = z
  .object({ password: newPassword, confirm: z.string({ error: "errors.required" }) })
  .refine((value) => value.password === value.confirm, { message: "errors.passwordMismatch", path: ["confirm"] });
