import type { ReactNode } from "react";
import { useI18n } from "~/i18n/react";
import { LanguageSwitch } from "./language-switch";

export function AuthCard({ title, children, footer }: { title: string; children: ReactNode; footer?: ReactNode }) {
  const { t } = useI18n();
  return (
    <main className="mx-auto flex min-h-screen max-w-md flex-col justify-center px-4 py-10">
      <title>{`${title} — ${t("app.name")}`}</title>
      <div className="mb-6 flex items-center justify-between">
        <p className="text-lg font-bold text-blue-800">{t("app.name")}</p>
        <LanguageSwitch />
      </div>
      <div className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
        <h1 className="mb-4 text-xl font-semibold">{title}</h1>
        {children}
      </div>
      {footer ? <div className="mt-4 text-center text-sm text-slate-600">{footer}</div> : null}
    </main>
  );
}
