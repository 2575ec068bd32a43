import type { ReactNode } from "react";
import { useI18n } from "~/i18n/react";

export function PageHeader({ title, actions, children }: { title: string; actions?: ReactNode; children?: ReactNode }) {
  const { t } = useI18n();
  return (
    <div className="mb-6 flex flex-wrap items-start justify-between gap-4">
      <title>{`${title} — ${t("app.name")}`}</title>
      <div>
        <h1 className="text-2xl font-bold">{title}</h1>
        {children}
      </div>
      {actions ? <div className="flex flex-wrap gap-2">{actions}</div> : null}
    </div>
  );
}

export function Card({ title, children }: { title?: string; children: ReactNode }) {
  return (
    <section className="rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
      {title ? <h2 className="mb-4 text-lg font-semibold">{title}</h2> : null}
      {children}
    </section>
  );
}

export function Pagination({ page, pages, href }: { page: number; pages: number; href: (page: number) => string }) {
  const { t } = useI18n();
  if (pages <= 1) return null;
  return (
    <nav className="mt-4 flex items-center justify-between text-sm" aria-label="pagination">
      {page > 1 ? (
        <a className="text-blue-700 underline" href={href(page - 1)} rel="prev">
          {t("common.previous")}
        </a>
      ) : (
        <span />
      )}
      <span className="text-slate-600">{t("common.pageOf", { page, pages })}</span>
      {page < pages ? (
        <a className="text-blue-700 underline" href={href(page + 1)} rel="next">
          {t("common.next")}
        </a>
      ) : (
        <span />
      )}
    </nav>
  );
}
