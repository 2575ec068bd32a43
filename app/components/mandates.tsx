import type { ReactNode } from "react";
import type { MessageKey } from "~/i18n";
import { useI18n } from "~/i18n/react";

/** What we did to a mandate, said in words in its history; a provider's own action names are left out (its status says it). */
const MANDATE_ACTIONS = ["signed", "set_up", "cancelled", "replaced", "replaces"] as const;
type MandateAction = (typeof MANDATE_ACTIONS)[number];

export interface MandateListItem {
  id: string;
  reference: string;
  creditorKind: string;
  ibanMasked: string;
  type: string;
  status: string;
  signedAt: Date | string | null;
  createdAt: Date | string;
  events: { id: string; status: string; origin: string; action: string; at: Date | string }[];
}

const statusKey = (status: string) => `mandates.status.${status}` as MessageKey;
const typeKey = (type: string) => (type === "recurrent" ? "mandate.type.recurrent" : "mandate.type.one_off");

/** A customer's mandates with their history (masked IBAN, reference, type, status), for the customer and the merchant. */
export function MandateHistory({ mandates, actions }: { mandates: MandateListItem[]; actions?: (mandate: MandateListItem) => ReactNode }) {
  const { t, date } = useI18n();
  return (
    <section className="space-y-3 rounded-lg border border-slate-200 bg-white p-5 text-sm shadow-sm" data-testid="mandates">
      <h2 className="text-lg font-semibold">{t("mandates.history")}</h2>
      {mandates.length === 0 ? <p className="text-slate-600">{t("mandates.none")}</p> : null}
      <ul className="space-y-4">
        {mandates.map((m) => (
          <li key={m.id} className="space-y-1 border-t border-slate-100 pt-3" data-testid="mandate">
            <p className="flex flex-wrap items-center gap-2">
              <span className="font-semibold">{t(typeKey(m.type))}</span>
              <span className="rounded bg-slate-100 px-2 py-0.5 text-xs font-medium" data-testid="mandate-status">
                {t(statusKey(m.status))}
              </span>
              <span className="text-slate-600">{m.ibanMasked}</span>
            </p>
            <p className="text-slate-600">
              {t("mandate.rum")} : <span className="font-mono">{m.reference}</span> ·{" "}
              {t(m.creditorKind === "gocardless" ? "mandates.viaGoCardless" : "mandates.ownIcs")}
              {m.signedAt ? ` · ${t("mandates.signedOn", { date: date(m.signedAt) })}` : ""}
            </p>
            {m.events.length ? (
              <ol className="ml-4 list-disc text-xs text-slate-500">
                {m.events.map((e) => (
                  <li key={e.id}>
                    {date(e.at)} — {t(statusKey(e.status))} ({t(`mandates.origin.${e.origin as "customer"}`)}
                    {(MANDATE_ACTIONS as readonly string[]).includes(e.action) ? `, ${t(`mandates.action.${e.action as MandateAction}`)}` : ""})
                  </li>
                ))}
              </ol>
            ) : null}
            {actions ? actions(m) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
