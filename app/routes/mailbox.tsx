import { Link, useLoaderData } from "react-router";
import { Card, PageHeader } from "~/components/page";
import { listMailbox } from "~/domain/outbox";
import { useI18n } from "~/i18n/react";
import { formatDateTime } from "~/lib/format";
import { notFound } from "~/lib/http.server";
import type { Route } from "./+types/mailbox";

/** The local mailbox only exists while no real email provider is configured (the offline sandbox). */
export async function loader({ context }: Route.LoaderArgs) {
  if (!context.config.localMailbox) notFound();
  return { emails: await listMailbox(context.db) };
}

export default function Mailbox() {
  const { t, locale } = useI18n();
  const { emails } = useLoaderData<typeof loader>();
  return (
    <main className="mx-auto max-w-4xl p-6">
      <PageHeader title={t("mailbox.title")}>
        <p className="text-sm text-slate-600">{t("mailbox.intro")}</p>
      </PageHeader>
      <Card>
        {emails.length === 0 ? (
          <p>{t("mailbox.empty")}</p>
        ) : (
          <table className="w-full text-left text-sm">
            <thead className="text-slate-500">
              <tr>
                <th className="py-2">{t("mailbox.date")}</th>
                <th>{t("mailbox.to")}</th>
                <th>{t("mailbox.subject")}</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {emails.map((email) => (
                <tr key={email.id}>
                  <td className="py-2">{formatDateTime(email.createdAt, locale)}</td>
                  <td>{email.toAddress}</td>
                  <td>
                    <Link className="text-blue-700 hover:underline" to={`/mailbox/${email.id}`}>
                      {email.subject}
                    </Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
    </main>
  );
}
