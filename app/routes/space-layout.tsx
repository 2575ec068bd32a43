import { Form, NavLink, Outlet, useLoaderData } from "react-router";
import { CsrfInput } from "~/components/form";
import { LanguageSwitch } from "~/components/language-switch";
import type { MessageKey } from "~/i18n";
import { I18nProvider, useI18n } from "~/i18n/react";
import { getCustomerSession, requireSpace, spaceLocale } from "~/lib/customer-session.server";
import { spaceHome, spacePath } from "~/lib/space-path";
import type { Route } from "./+types/space-layout";

/**
 * The customer space of one merchant (docs/decisions/0015), in that merchant's name and in the
 * customer's language. Pages that need a signed-in customer ask for one themselves (`requireCustomer`).
 */
export async function loader({ request, params, context }: Route.LoaderArgs) {
  const organisation = await requireSpace(context, params.orgId);
  const [session, locale] = await Promise.all([getCustomerSession(request, context, organisation.id), spaceLocale(request, context, organisation.id)]);
  return {
    locale,
    merchant: { id: organisation.id, name: organisation.legalName },
    customer: session ? { name: session.access.customer.name, mustChangePassword: session.access.mustChangePassword } : null,
  };
}

export default function SpaceLayout() {
  const { locale } = useLoaderData<typeof loader>();
  return (
    <I18nProvider locale={locale}>
      <SpaceFrame />
    </I18nProvider>
  );
}

function SpaceFrame() {
  const { t } = useI18n();
  const { merchant, customer } = useLoaderData<typeof loader>();
  const links: { to: string; label: MessageKey; end?: boolean }[] = [
    { to: spaceHome(merchant.id), label: "space.nav.home" },
    { to: spacePath(merchant.id, "/releve"), label: "space.nav.statement" },
    { to: spacePath(merchant.id, "/factures"), label: "space.nav.invoices" },
    { to: spacePath(merchant.id, "/paiements"), label: "space.nav.payments" },
    { to: spacePath(merchant.id, "/prelevement"), label: "space.nav.debit" },
  ];
  return (
    <div className="min-h-screen">
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-5xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3">
          <span className="font-bold text-blue-800" data-testid="space-merchant">
            {t("space.title", { merchant: merchant.name })}
          </span>
          {customer && !customer.mustChangePassword ? (
            <nav className="flex flex-wrap gap-1 text-sm">
              {links.map((link) => (
                <NavLink
                  key={link.to}
                  to={link.to}
                  end={link.end}
                  className={({ isActive }) =>
                    `rounded px-3 py-1.5 ${isActive ? "bg-blue-50 font-semibold text-blue-800" : "text-slate-700 hover:bg-slate-100"}`
                  }
                >
                  {t(link.label)}
                </NavLink>
              ))}
            </nav>
          ) : null}
          <div className="ml-auto flex flex-wrap items-center gap-3 text-sm">
            {customer ? <span className="text-slate-600">{customer.name}</span> : null}
            <LanguageSwitch />
            {customer ? (
              <Form method="post" action={spacePath(merchant.id, "/deconnexion")}>
                <CsrfInput />
                <button className="text-slate-600 hover:underline">{t("nav.logout")}</button>
              </Form>
            ) : null}
          </div>
        </div>
      </header>
      <main id="main" className="mx-auto max-w-5xl px-4 py-6">
        <Outlet />
      </main>
    </div>
  );
}
