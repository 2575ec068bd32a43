import { Form, useActionData, useLoaderData } from "react-router";
import { z } from "zod";
import { CsrfInput, FormErrors, FormMessage } from "~/components/form";
import { Card, PageHeader } from "~/components/page";
import { idField } from "~/domain/validation";
import { listWebhookEvents, reprocessEvent } from "~/domain/webhooks";
import type { MessageKey } from "~/i18n";
import { useI18n } from "~/i18n/react";
import { formatDateTime } from "~/lib/format";
import { parseForm, refuse } from "~/lib/forms.server";
import { notFound } from "~/lib/http.server";
import { requireMember } from "~/lib/session.server";
import type { Route } from "./+types/settings-webhooks";

export async function loader({ request, context }: Route.LoaderArgs) {
  const { organisation } = await requireMember(request, context, "manageOrganisation");
  return { events: await listWebhookEvents(context.db, organisation.id) };
}

const reprocessSchema = z.object({ intent: z.literal("reprocess", { error: "errors.unknownAction" }), eventId: idField });

export async function action({ request, context }: Route.ActionArgs) {
  const { organisation } = await requireMember(request, context, "manageOrganisation");
  const submission = await parseForm(request, context, reprocessSchema);
  if (submission.status !== "success") return refuse(submission);
  if (!(await reprocessEvent(context.db, organisation.id, submission.value.eventId, new Date()))) notFound();
  return { result: null, done: true };
}

export default function WebhookLog() {
  const { t, locale } = useI18n();
  const { events } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <div className="max-w-5xl">
      <PageHeader title={t("webhooks.title")}>
        <p className="text-sm text-slate-600">{t("webhooks.intro")}</p>
      </PageHeader>
      <div className="mb-4 empty:hidden">
        <FormErrors result={actionData?.result} placed={[]} />
        {actionData && "done" in actionData ? <FormMessage success={t("webhooks.reprocessed")} /> : null}
      </div>
      <Card>
        {events.length === 0 ? (
          <p>{t("webhooks.empty")}</p>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm">
              <thead className="text-slate-500">
                <tr>
                  <th className="py-2">{t("webhooks.received")}</th>
                  <th>{t("webhooks.event")}</th>
                  <th>{t("invoices.status")}</th>
                  <th>{t("webhooks.error")}</th>
                  <th />
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {events.map((e) => (
                  <tr key={e.id}>
                    <td className="py-2 whitespace-nowrap">{formatDateTime(e.receivedAt, locale)}</td>
                    <td>
                      <span className="text-slate-500">{e.provider}</span> {e.type}
                      <br />
                      <code className="text-xs text-slate-500">{e.eventId}</code>
                    </td>
                    <td>
                      {t(`webhooks.status.${e.status}` as MessageKey)}
                      {e.attempts > 1 ? ` (${e.attempts})` : ""}
                    </td>
                    <td className="max-w-xs break-words text-xs text-slate-600">{e.lastError}</td>
                    <td>
                      {e.status !== "pending" && e.status !== "processing" ? (
                        <Form method="post">
                          <CsrfInput />
                          <input type="hidden" name="eventId" value={e.id} />
                          <button name="intent" value="reprocess" className="text-blue-700 hover:underline">
                            {t("webhooks.reprocess")}
                          </button>
                        </Form>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
    </div>
  );
}
