import { Links, Meta, Outlet, Scripts, ScrollRestoration, isRouteErrorResponse, useRouteError, useRouteLoaderData } from "react-router";
import type { Route } from "./+types/root";
import "./app.css";
import { isMessageKey, translator, type Locale, type Vars } from "./i18n";
import { I18nProvider } from "./i18n/react";
import { getSession, resolveLocale } from "./lib/session.server";
import { retryAfterHeaders } from "./lib/retry-after";

export { retryAfterHeaders as headers };

export async function loader({ request, context }: Route.LoaderArgs) {
  const [locale, session] = await Promise.all([resolveLocale(request, context), getSession(request, context)]);
  return {
    locale,
    csrfToken: context.csrfToken,
    user: session ? { name: session.user.name, email: session.user.email } : null,
    mailboxEnabled: context.config.localMailbox,
  };
}

export function Layout({ children }: { children: React.ReactNode }) {
  const data = useRouteLoaderData<typeof loader>("root");
  const locale: Locale = data?.locale ?? "fr";
  return (
    <html lang={locale}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
        <Meta />
        <Links />
      </head>
      <body className="min-h-screen">
        <I18nProvider locale={locale}>{children}</I18nProvider>
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary() {
  const error = useRouteError();
  const data = useRouteLoaderData<typeof loader>("root");
  const t = translator(data?.locale ?? "fr");
  let status = 500;
  let message = t("errors.unexpected");
  if (isRouteErrorResponse(error)) {
    status = error.status;
    const { message: key, vars } = (error.data as { message?: unknown; vars?: Vars } | undefined) ?? {};
    message = isMessageKey(key) ? t(key, vars) : status === 404 ? t("errors.notFound") : status === 403 ? t("errors.forbidden") : t("errors.unexpected");
  }
  return (
    <main className="mx-auto max-w-xl p-8">
      <title>{`${status} — ${t("app.name")}`}</title>
      <p className="text-sm font-semibold text-slate-500">{status}</p>
      <h1 className="mt-2 text-2xl font-bold">{message}</h1>
      {status === 404 ? <p className="mt-2 text-slate-600">{t("errors.notFoundHint")}</p> : null}
      <p className="mt-6">
        <a className="text-blue-700 underline" href="/">
          {t("common.back")}
        </a>
      </p>
    </main>
  );
}
