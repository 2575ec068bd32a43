import { useEffect, useRef, useState } from "react";
import { useLocation, useRevalidator, useSearchParams } from "react-router";
import type { ReturnState } from "~/domain/checkout";
import { useI18n } from "~/i18n/react";

/** How often the page asks again while waiting for the provider's news: quickly at first, then less. */
const FIRST_CHECK_MS = 1000;
const LONGEST_WAIT_MS = 8000;
/** After this long, the page stops asking by itself and says the confirmation is late. */
const GIVE_UP_AFTER_MS = 2 * 60 * 1000;

/**
 * Back from the provider's page: while the provider's news has not reached us, the page asks again by
 * itself (a revalidation: no script of its own, so nothing the Content-Security-Policy would block) and
 * says so; without JavaScript it says to reload. Once the payment is settled either way, the notice says
 * how it ended and `?return=` leaves the address, so a reload or a shared link shows the plain page.
 */
export function ReturnNotice({
  returned,
  unpaid,
  currency,
}: {
  returned: { provider: string; outcome: ReturnState } | null;
  unpaid: boolean;
  currency: string;
}) {
  const { t, money } = useI18n();
  const revalidator = useRevalidator();
  const revalidate = useRef(revalidator.revalidate);
  revalidate.current = revalidator.revalidate;
  const [params, setParams] = useSearchParams();
  const location = useLocation();
  const [live, setLive] = useState(false);
  const [late, setLate] = useState(false);
  const [round, setRound] = useState(0);
  const awaiting = unpaid && returned?.outcome?.state === "awaiting";
  // What the payment came to, kept once `?return=` is gone from the address (the loader no longer says).
  type Ending = NonNullable<ReturnState> & { provider: string };
  const endingOf = (r: typeof returned): Ending | null => (r?.outcome && r.outcome.state !== "awaiting" ? { ...r.outcome, provider: r.provider } : null);
  const [ending, setEnding] = useState<Ending | null>(endingOf(returned));

  useEffect(() => setLive(true), []);
  const settled = endingOf(returned);
  const settledKey = settled ? `${settled.provider}/${settled.state}/${settled.amountMinor}` : "";
  // biome-ignore lint/correctness/useExhaustiveDependencies: kept when the loader's answer changes (settledKey), not on every render
  useEffect(() => {
    if (settled) setEnding(settled);
  }, [settledKey]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `round` restarts the checks ("check now" after they stopped)
  useEffect(() => {
    if (!awaiting) return;
    let stopped = false;
    const started = Date.now();
    setLate(false);
    (async () => {
      for (let wait = FIRST_CHECK_MS; !stopped; wait = Math.min(wait * 1.5, LONGEST_WAIT_MS)) {
        await new Promise((resolve) => setTimeout(resolve, wait));
        if (stopped) return;
        if (Date.now() - started > GIVE_UP_AFTER_MS) return setLate(true);
        await revalidate.current();
      }
    })();
    return () => {
      stopped = true;
    };
  }, [awaiting, round]);
  useEffect(() => {
    if (awaiting || !params.has("return")) return;
    setParams(
      (current) => {
        current.delete("return");
        return current;
      },
      { replace: true, preventScrollReset: true },
    );
  }, [awaiting, params, setParams]);

  const providerName = (id: string | undefined) => (id === "gocardless" ? "GoCardless" : "Stripe");
  const provider = providerName(returned?.provider);
  if (awaiting) {
    return (
      <div className="space-y-2 rounded-md border border-sky-200 bg-sky-50 p-3 text-sm text-sky-900" role="status" data-testid="return-awaiting">
        <p className="font-medium">{t("public.return.awaiting", { provider })}</p>
        {!live ? (
          <p>
            {t("public.return.reload")}{" "}
            <a className="font-medium underline" href={`${location.pathname}${location.search}`}>
              {t("public.return.refresh")}
            </a>
          </p>
        ) : late ? (
          <>
            <p>{t("public.return.late")}</p>
            <button type="button" className="font-medium underline" onClick={() => setRound((n) => n + 1)} disabled={revalidator.state !== "idle"}>
              {t("public.return.checkNow")}
            </button>
          </>
        ) : (
          <p className="flex items-center gap-2" data-testid="return-live">
            <span aria-hidden="true" className="inline-block h-2 w-2 animate-pulse rounded-full bg-sky-600" />
            {t("public.return.live")}
          </p>
        )}
      </div>
    );
  }
  if (!ending) return null;
  const amount = money(ending.amountMinor, currency);
  if (ending.state === "confirmed")
    return unpaid ? (
      <p className="rounded-md border border-green-200 bg-green-50 p-3 text-sm text-green-800" role="status" data-testid="return-outcome">
        {t("public.return.confirmed", { amount })}
      </p>
    ) : null;
  if (ending.state === "failed")
    return (
      <p className="rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800" role="alert" data-testid="return-outcome">
        {t("public.return.failed", { amount })}
      </p>
    );
  return (
    <p className="rounded-md border border-sky-200 bg-sky-50 p-3 text-sm text-sky-900" role="status" data-testid="return-outcome">
      {t("public.return.inFlight", { amount, provider: providerName(ending.provider) })}
    </p>
  );
}
