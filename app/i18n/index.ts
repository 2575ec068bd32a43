import { withDe } from "./elision";
import { en } from "./en";
import { fr, type MessageKey } from "./fr";

export type { MessageKey };
export const LOCALES = ["fr", "en"] as const;
export type Locale = (typeof LOCALES)[number];

const catalogues: Record<Locale, Record<MessageKey, string>> = { fr, en };

export function isLocale(value: unknown): value is Locale {
  return value === "fr" || value === "en";
}

export function isMessageKey(value: unknown): value is MessageKey {
  return typeof value === "string" && value in fr;
}

export type Vars = Record<string, string | number>;
export type Translate = (key: MessageKey, vars?: Vars) => string;

/**
 * The one translation layer: every string a person reads goes through here. `{name}` is replaced by the
 * variable; `{de:name}` by "de" and the variable with French elision ("d'Atelier Durand").
 */
export function translator(locale: Locale): Translate {
  const messages = catalogues[locale];
  return (key, vars) => {
    const template = messages[key] ?? key;
    return vars
      ? template.replace(/\{(de:)?(\w+)\}/g, (match, de: string | undefined, name: string) =>
          name in vars ? (de ? withDe(String(vars[name])) : String(vars[name])) : match,
        )
      : template;
  };
}

/** Picks fr or en from an Accept-Language header; French unless English is preferred. */
export function localeFromAcceptLanguage(header: string | null): Locale {
  if (!header) return "fr";
  const ranked = header
    .split(",")
    .map((part) => {
      const [tag, ...params] = part.trim().split(";");
      const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
      return { tag: tag.toLowerCase(), q: q ? Number(q.slice(2)) || 0 : 1 };
    })
    .sort((a, b) => b.q - a.q);
  for (const { tag } of ranked) {
    if (tag.startsWith("fr")) return "fr";
    if (tag.startsWith("en")) return "en";
  }
  return "fr";
}
