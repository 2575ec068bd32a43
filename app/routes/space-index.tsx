import { redirect } from "react-router";
import { requireSpace } from "~/lib/customer-session.server";
import { spaceHome } from "~/lib/space-path";
import type { Route } from "./+types/space-index";

/** The space's address (as emailed, printed and shown to the merchant) leads to its home; see `spaceHome`. */
export async function loader({ params, context }: Route.LoaderArgs) {
  const organisation = await requireSpace(context, params.orgId);
  return redirect(spaceHome(organisation.id));
}
