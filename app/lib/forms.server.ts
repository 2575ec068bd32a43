import type { AppLoadContext } from "react-router";
import { formToObject } from "~/domain/validation";
import { httpError } from "./http.server";
import { safeEqual } from "./tokens.server";

/**
 * The only way actions read a submitted form: it refuses any form without this browser's CSRF token,
 * and a body that is not a form.
 */
export async function readForm(request: Request, context: AppLoadContext) {
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
  const values = formToObject(form);
  return { form, values, intent: values.intent ?? "" };
}
