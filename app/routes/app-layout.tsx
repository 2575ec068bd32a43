import { Form, NavLink, Outlet, useLoaderData } from "react-router";
import { CsrfInput } from "~/components/form";
import { LanguageSwitch } from "~/components/language-switch";
import { countPendingInvitationsFor } from "~/domain/auth";
import { unreadCount } from "~/domain/notifications";
import { membershipsOf } from "~/domain/organisations";
import { can } from "~/domain/permissions";
import type { MessageKey } from "~/i18n";
import { useI18n } from "~/i18n/react";
import { requireUser } from "~/lib/session.server";
import type { Route } from "./+types/app-layout";

export async function loader({ request, context }: Route.LoaderArgs) {
  const onPasswordPage = new URL(request.url).pathname === "/account/password";
  const session = await requireUser(request, context, { allowPendingPassword: onPasswordPage });
  const [memberships, invitations] = await Promise.all([
    membershipsOf(context.db, session.userId),
    countPendingInvitationsFor(context.db, session.user.email, new Date()),
  ]);
  const current = memberships.find((m) => m.organisationId === session.organisationId) ?? memberships[0] ?? null;
  return {
    user: { name: session.user.name, email: session.user.email, mustChangePassword: session.user.mustChangePassword },
    organisation: current ? { id: current.organisationId, name: current.organisation.legalName, role: current.role } : null,
    organisationCount: memberships.length,
    mailboxEnabled: context.config.localMailbox,
    unread: current ? await unreadCount(context.db, current.organisationId) : 0,
    invitations,
  };
}

export default function AppLayout() {
  const { t } = useI18n();
  const { user, organisation, organisationCount, mailboxEnabled, unread, invitations } = useLoaderData<typeof loader>();
  const links: { to: string; label: MessageKey; show: boolean }[] = [
    { to: "/invoices", label: "nav.invoices", show: Boolean(organisation) },
    { to: "/customers", label: "nav.customers", show: Boolean(organisation) },
    { to: "/collections", label: "nav.collections", show: Boolean(organisation) },
    { to: "/settings/organisation", label: "nav.settings", show: Boolean(organisation && can(organisation.role, "manageOrganisation")) },
    { to: "/journal", label: "nav.journal", show: Boolean(organisation && can(organisation.role, "viewBooks")) },
    { to: "/settings/members", label: "nav.members", show: Boolean(organisation) },
    { to: "/settings/payments", label: "nav.payments", show: Boolean(organisation) },
    { to: "/settings/accounting", label: "nav.accounting", show: Boolean(organisation && can(organisation.role, "manageAccounting")) },
    { to: "/imports", label: "nav.imports", show: Boolean(organisation && can(organisation.role, "importPayments")) },
    { to: "/debit-files", label: "nav.debitFiles", show: Boolean(organisation && can(organisation.role, "manageDebitFiles")) },
    { to: "/settings/webhooks", label: "webhooks.title", show: Boolean(organisation && can(organisation.role, "manageOrganisation")) },
  ];
  return (
    <div className="min-h-screen">
      <a href="#main" className="sr-only focus:not-sr-only">
        {t("nav.skip")}
      </a>
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3">
          <span className="font-bold text-blue-800">{t("app.name")}</span>
          {!user.mustChangePassword ? (
            <nav className="flex flex-wrap gap-1 text-sm">
              {links
                .filter((link) => link.show)
                .map((link) => (
                  <NavLink
                    key={link.to}
                    to={link.to}
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
            {organisation ? (
              <NavLink to="/orgs" className="rounded border border-slate-200 px-2 py-1 text-slate-700 hover:bg-slate-50" title={t("nav.switchOrganisation")}>
                {organisation.name}
                {organisationCount > 1 ? " ⇄" : ""}
              </NavLink>
            ) : null}
            {organisation ? (
              <NavLink to="/notifications" className="relative text-slate-600 hover:underline" data-testid="notifications-link">
                {t("notifications.title")}
                {unread ? <span className="ml-1 rounded-full bg-red-600 px-1.5 py-0.5 text-xs font-semibold text-white">{unread}</span> : null}
              </NavLink>
            ) : null}
            {mailboxEnabled ? (
              <a className="text-slate-600 hover:underline" href="/mailbox">
                {t("nav.mailbox")}
              </a>
            ) : null}
            <NavLink to="/account/password" className="text-slate-600 hover:underline">
              {user.name}
            </NavLink>
            <LanguageSwitch />
            <Form method="post" action="/logout">
              <CsrfInput />
              <button className="text-slate-600 hover:underline">{t("nav.logout")}</button>
            </Form>
          </div>
        </div>
      </header>
      <main id="main" className="mx-auto max-w-6xl px-4 py-6">
        {invitations && !user.mustChangePassword ? (
          <p className="mb-4 rounded-md border border-sky-200 bg-sky-50 p-3 text-sm text-sky-900" role="status">
            {t(invitations > 1 ? "invitation.pendingBannerMany" : "invitation.pendingBanner", { count: invitations })}{" "}
            <NavLink to="/orgs" className="font-semibold underline">
              {t("invitation.pendingOpen")}
            </NavLink>
          </p>
        ) : null}
        <Outlet />
      </main>
    </div>
  );
}
