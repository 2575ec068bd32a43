import { createContext, useContext, useMemo, type ReactNode } from "react";
import { formatDate, formatMoney } from "~/lib/format";
import { translator, type Locale, type Translate } from ".";

interface I18n {
  locale: Locale;
  t: Translate;
  money: (minor: number, currency: string) => string;
  date: (date: Date | string) => string;
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ locale, children }: { locale: Locale; children: ReactNode }) {
  const value = useMemo<I18n>(
    () => ({
      locale,
      t: translator(locale),
      money: (minor, currency) => formatMoney(minor, currency, locale),
      date: (date) => formatDate(date, locale),
    }),
    [locale],
  );
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error("useI18n outside I18nProvider");
  return value;
}
