import { redirect } from "react-router";
import { readForm } from "~/lib/forms.server";
import { endSession } from "~/lib/session.server";
import type { Route } from "./+types/logout";

export async function action({ request, context }: Route.ActionArgs) {
  await readForm(request, context);
  return redirect("/login", { headers: { "Set-Cookie": await endSession(request, context) } });
}

export function loader() {
  return redirect("/");
}
