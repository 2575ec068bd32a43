import { Link, useLoaderData } from "react-router";
import { Card, PageHeader } from "~/components/page";
import { getMailboxEmail } from "~/domain/outbox";
import { useI18n } from "~/i18n/react";
import { notFound } from "~/lib/http.server";
import type { Route } from "./+types/mailbox-email";

export async function loader({ params, context }: Route.LoaderArgs) {
  if (!context.config.localMailbox) notFound();
  const email = (await getMailboxEmail(context.db, context.config.ENCRYPTION_KEY, params.emailId)) ?? notFound();
  return { email };
}

export default function MailboxEmail() {
  const { t } = useI18n();
  const { email } = useLoaderData<typeof loader>();
  return (
    <main className="mx-auto max-w-4xl space-y-4 p-6">
      <PageHeader title={email.subject}>
        <p className="text-sm text-slate-600">
          {t("mailbox.to")} : {email.toAddress}
        </p>
      </PageHeader>
      <p>
        <Link className="text-blue-700 underline" to="/mailbox">
          {t("common.back")}
        </Link>
      </p>
      <Card>
        {/* The HTML part, isolated from the app; links open in the top window so they can be followed. */}
        <iframe
          title={email.subject}
          srcDoc={email.html.replace("<head>", '<head><base target="_top">')}
          sandbox="allow-top-navigation-by-user-activation allow-popups"
          className="h-[32rem] w-full rounded border border-slate-200"
        />
      </Card>
      <Card>
        <pre className="whitespace-pre-wrap text-sm" data-testid="email-text">
          {email.text}
        </pre>
      </Card>
    </main>
  );
}
