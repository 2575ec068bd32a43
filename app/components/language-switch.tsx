import { Form, useLocation } from "react-router";
import { LOCALES } from "~/i18n";
import { useI18n } from "~/i18n/react";
import { CsrfInput } from "./form";

/** Works without JavaScript: each language is a submit button. */
export function LanguageSwitch() {
  const { t, locale } = useI18n();
  const location = useLocation();
  return (
    <Form method="post" action="/locale" className="flex gap-1 text-sm" aria-label={t("nav.language")}>
      <CsrfInput />
      <input type="hidden" name="redirectTo" value={location.pathname + location.search} />
      {LOCALES.map((code) => (
        <button
          key={code}
          name="locale"
          value={code}
          aria-pressed={code === locale}
          className={`rounded px-2 py-1 ${code === locale ? "bg-slate-200 font-semibold" : "text-slate-600 hover:bg-slate-100"}`}
        >
          {t(`lang.${code}`)}
        </button>
      ))}
    </Form>
  );
}
