import { serialize } from "cookie";
import { redirect } from "react-router";
import { isLocale } from "~/i18n";
import { readForm } from "~/lib/forms.server";
import { httpError } from "~/lib/http.server";
import { LOCALE_COOKIE, getSession, safeRedirectTarget } from "~/lib/session.server";
import type { Route } from "./+types/locale";

export async function action({ request, context }: Route.ActionArgs) {
  const { values } = await readForm(request, context);
  if (!isLocale(values.locale)) httpError(400, "errors.locale");
  const session = await getSession(request, context);
  if (session) await context.db.user.update({ where: { id: session.userId }, data: { locale: values.locale } });
  return redirect(safeRedirectTarget(values.redirectTo, "/"), {
    headers: { "Set-Cookie": serialize(LOCALE_COOKIE, values.locale, { path: "/", sameSite: "lax", maxAge: 365 * 86400 }) },
  });
}

export function loader() {
  return redirect("/");
}
