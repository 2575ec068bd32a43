import { redirect } from "react-router";
import { z } from "zod";
import { parseForm } from "~/lib/forms.server";
import { endSession } from "~/lib/session.server";
import type { Route } from "./+types/logout";

export async function action({ request, context }: Route.ActionArgs) {
  // Nothing to read but the CSRF token: a cross-site page must not be able to log anyone out.
  await parseForm(request, context, z.object({}));
  return redirect("/login", { headers: { "Set-Cookie": await endSession(request, context) } });
}

export function loader() {
  return redirect("/");
}
