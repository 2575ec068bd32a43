import { serialize } from "cookie";
import { redirect } from "react-router";
import { z } from "zod";
import { setUserLocale } from "~/domain/auth";
import { localeField } from "~/domain/validation";
import { parseForm } from "~/lib/forms.server";
import { httpError } from "~/lib/http.server";
import { LOCALE_COOKIE, getSession, safeRedirectTarget } from "~/lib/session.server";
import type { Route } from "./+types/locale";

const localeSchema = z.object({ locale: localeField, redirectTo: z.string().optional() });

/** The language switch posts here from every page; it has no page of its own to show an error on. */
export async function action({ request, context }: Route.ActionArgs) {
  const submission = await parseForm(request, context, localeSchema);
  if (submission.status !== "success") httpError(400, "errors.locale");
  const { locale, redirectTo } = submission.value;
  const session = await getSession(request, context);
  if (session) await setUserLocale(context.db, session.userId, locale);
  return redirect(safeRedirectTarget(redirectTo, context.config.APP_URL, "/"), {
    headers: { "Set-Cookie": serialize(LOCALE_COOKIE, locale, { path: "/", sameSite: "lax", maxAge: 365 * 86400 }) },
  });
}

export function loader() {
  return redirect("/");
}
