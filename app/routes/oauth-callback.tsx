import { redirect } from "react-router";
import { completeConnection } from "~/domain/connections";
import { notFound } from "~/lib/http.server";
import { requireMember } from "~/lib/session.server";
import { isProviderId } from "../../integrations/types";
import type { Route } from "./+types/oauth-callback";

/** Where the providers send the merchant back after their consent page. */
export async function loader({ request, params, context }: Route.LoaderArgs) {
  if (!isProviderId(params.provider)) notFound();
  const { organisation, session, user } = await requireMember(request, context, "connectProviders");
  const query = new URL(request.url).searchParams;
  const provider = context.providers.get(params.provider as "gocardless" | "stripe");
  const result = await completeConnection(
    { db: context.db, provider, encryptionKey: context.config.ENCRYPTION_KEY, log: context.log },
    {
      sessionId: session.id,
      organisationId: organisation.id,
      userId: user.id,
      state: query.get("state"),
      code: query.get("code"),
      error: query.get("error"),
      redirectUri: `${context.config.APP_URL}/oauth/${provider.id}/callback`,
    },
    new Date(),
  );
  if (!result.ok) return redirect(`/settings/payments?error=${result.error}`);
  // The first provider connected: the settings page asks whether to offer online payment by default.
  const ask = result.first ? "&ask=onlineDefault" : "";
  return redirect(`/settings/payments?connected=${provider.id}&name=${encodeURIComponent(result.accountName)}${ask}`);
}
