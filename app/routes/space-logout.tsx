import { redirect } from "react-router";
import { z } from "zod";
import { endCustomerSession, requireSpace } from "~/lib/customer-session.server";
import { spacePath } from "~/lib/space-path";
import { parseForm } from "~/lib/forms.server";
import type { Route } from "./+types/space-logout";

export async function action({ request, params, context }: Route.ActionArgs) {
  const organisation = await requireSpace(context, params.orgId);
  // Nothing to read but the CSRF token: a cross-site page must not be able to log anyone out.
  await parseForm(request, context, z.object({}));
  return redirect(spacePath(organisation.id, "/connexion"), { headers: { "Set-Cookie": await endCustomerSession(request, context, organisation.id) } });
}

export function loader({ params }: Route.LoaderArgs) {
  return redirect(spacePath(params.orgId));
}
