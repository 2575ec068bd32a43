import { Form, Link, useActionData, useLoaderData } from "react-router";
import { z } from "zod";
import { CsrfInput, FormErrors, secondaryButtonClass } from "~/components/form";
import { Card, PageHeader } from "~/components/page";
import { DEBITS_READY_NOTICE_KIND, IMPORT_NOTICE_KIND, JOURNAL_NOTICE_KIND } from "~/domain/journal/kinds";
import { listNotifications, markRead } from "~/domain/notifications";
import { idField } from "~/domain/validation";
import type { MessageKey } from "~/i18n";
import { useI18n } from "~/i18n/react";
import { formatDateTime, formatMoney } from "~/lib/format";
import { parseForm, refuse } from "~/lib/forms.server";
import { requireMember } from "~/lib/session.server";
import type { Route } from "./+types/notifications";

export async function loader({ request, context }: Route.LoaderArgs) {
  const { organisation } = await requireMember(request, context);
  return listNotifications(context.db, organisation.id);
}

/** "read" names one notification: without an id it must not fall through to marking them all. */
const notificationsSchema = z.discriminatedUnion(
  "intent",
  [z.object({ intent: z.literal("readAll") }), z.object({ intent: z.literal("read"), id: idField.refine((id) => id !== "", "errors.invalid") })],
  {
    error: "errors.unknownAction",
  },
);

export async function action({ request, context }: Route.ActionArgs) {
  const { organisation } = await requireMember(request, context);
  const submission = await parseForm(request, context, notificationsSchema);
  if (submission.status !== "success") return refuse(submission);
  const input = submission.value;
  await markRead(context.db, organisation.id, input.intent === "readAll" ? null : input.id, new Date());
  return { result: null };
}

export default function Notifications() {
  const { t, locale } = useI18n();
  const { items, unread } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <div className="max-w-3xl">
      <PageHeader
        title={t("notifications.title")}
        actions={
          unread ? (
            <Form method="post">
              <CsrfInput />
              <button name="intent" value="readAll" className={secondaryButtonClass}>
                {t("notifications.markAllRead")}
              </button>
            </Form>
          ) : null
        }
      >
        <p className="text-sm text-slate-600">{t("notifications.unread", { count: unread })}</p>
      </PageHeader>
      <div className="mb-4 empty:hidden">
        <FormErrors result={actionData?.result} placed={[]} />
      </div>
      <Card>
        {items.length === 0 ? (
          <p>{t("notifications.empty")}</p>
        ) : (
          <ul className="divide-y divide-slate-100">
            {items.map((n) => {
              // The books' notices keep their amounts per currency.
              const totals = Array.isArray(n.data.totals)
                ? (n.data.totals as { amountMinor: number; currency: string }[]).map((s) => formatMoney(s.amountMinor, s.currency, locale)).join(", ")
                : "";
              const vars = {
                amount: typeof n.data.amountMinor === "number" && n.data.currency ? formatMoney(n.data.amountMinor, String(n.data.currency), locale) : "",
                excess: typeof n.data.excessMinor === "number" && n.data.currency ? formatMoney(n.data.excessMinor, String(n.data.currency), locale) : "",
                number: String(n.data.number ?? ""),
                provider: n.data.provider === "gocardless" ? "GoCardless" : n.data.provider === "stripe" ? "Stripe" : "",
                customer: String(n.data.customer ?? ""),
              };
              // A notice about an invoice opens it; one about a customer's account (a balance payment) opens the customer.
              const account = !n.data.invoiceId && n.data.customerId;
              const { to, text } =
                n.kind === JOURNAL_NOTICE_KIND
                  ? { to: "/journal", text: t("journal.notice.subject", { count: String(n.data.count ?? ""), amount: totals }) }
                  : n.kind === DEBITS_READY_NOTICE_KIND
                    ? { to: "/debit-files", text: t("debitFiles.notice.subject", { count: String(n.data.count ?? ""), amount: totals }) }
                    : n.kind === IMPORT_NOTICE_KIND
                      ? {
                          to: `/imports/${n.data.importFileId}`,
                          text: t("imports.notice.subject", {
                            name: String(n.data.name ?? ""),
                            by: String(n.data.by ?? ""),
                            count: String(n.data.count ?? ""),
                            manual: String(n.data.manual ?? ""),
                            amount: totals,
                          }),
                        }
                      : {
                          to: n.data.invoiceId ? `/invoices/${n.data.invoiceId}` : account ? `/customers/${n.data.customerId}` : null,
                          text: t(`notify.${n.kind}.${account ? "merchantAccount" : "merchant"}.subject` as MessageKey, vars),
                        };
              return (
                <li key={n.id} className={`flex items-start justify-between gap-4 py-3 ${n.readAt ? "text-slate-500" : ""}`}>
                  <div>
                    <p className={n.readAt ? "" : "font-semibold"}>
                      {to ? (
                        <Link className="text-blue-700 hover:underline" to={to}>
                          {text}
                        </Link>
                      ) : (
                        text
                      )}
                    </p>
                    <p className="text-xs">{formatDateTime(n.createdAt, locale)}</p>
                  </div>
                  {!n.readAt ? (
                    <Form method="post">
                      <CsrfInput />
                      <input type="hidden" name="id" value={n.id} />
                      <button name="intent" value="read" className="text-sm text-blue-700 hover:underline">
                        {t("notifications.markRead")}
                      </button>
                    </Form>
                  ) : null}
                </li>
              );
            })}
          </ul>
        )}
      </Card>
    </div>
  );
}
