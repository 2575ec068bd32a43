import { ingestEvents } from "~/domain/webhooks";
import { isProviderId } from "../../integrations/types";
import type { Route } from "./+types/webhook";

const text = (status: number, body: string) => new Response(body, { status, headers: { "Content-Type": "text/plain; charset=utf-8" } });

/**
 * Provider webhooks: the signature is checked on the raw body, each event is stored once, and the
 * delivery is acknowledged at once; processing happens right after, in the background.
 */
export async function action({ request, params, context }: Route.ActionArgs) {
  if (!isProviderId(params.provider)) return text(404, "unknown provider");
  if (!(request.headers.get("content-type") ?? "").includes("json")) return text(415, "expected application/json");
  const body = await request.text();
  const result = context.providers.get(params.provider).parseWebhook(body, request.headers);
  if (!result.ok) {
    context.log.warn({ provider: params.provider, reason: result.reason }, "webhook refused");
    return text(result.status, result.reason);
  }
  const { stored, duplicates } = await ingestEvents(context.db, params.provider, result.events, new Date());
  context.log.info({ provider: params.provider, events: result.events.length, stored, duplicates }, "webhook received");
  if (stored > 0) context.kickWebhooks();
  return new Response(null, { status: 204 });
}

export function loader() {
  return text(405, "POST only");
}
