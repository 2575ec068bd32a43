import { redirect } from "react-router";
import { getSession } from "~/lib/session.server";
import type { Route } from "./+types/home";

export async function loader({ request, context }: Route.LoaderArgs) {
  return redirect((await getSession(request, context)) ? "/invoices" : "/login");
}
