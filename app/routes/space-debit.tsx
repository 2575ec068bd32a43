import { Link, useLoaderData } from "react-router";
import { DebitTable } from "~/components/debits";
import { buttonClass, secondaryButtonClass } from "~/components/form";
import { MandateHistory } from "~/components/mandates";
import { Card } from "~/components/page";
import { liveRecurrentMandate, upcomingDebitsOfCustomer } from "~/domain/debits/service";
import { mandatesOfCustomer } from "~/domain/mandates/service";
import { useI18n } from "~/i18n/react";
import type { MessageKey } from "~/i18n";
import { requireCustomer } from "~/lib/customer-session.server";
import { spacePath } from "~/lib/space-path";
import type { Route } from "./+types/space-debit";

/**
 * "Prélèvement" in the customer space (issue 15): the current mandate (masked IBAN, RUM, status, type), the
 * signed mandates' PDFs and history, the upcoming automatic collections, and signing a mandate (new bank
 * details = a new mandate). Only the signed-in customer's own, at this merchant.
 */
export async function loader({ request, params, context }: Route.LoaderArgs) {
  const { customer, organisation } = await requireCustomer(request, context, params.orgId);
  const [mandates, upcoming, live] = await Promise.all([
    mandatesOfCustomer(context.db, organisation.id, customer.id),
    upcomingDebitsOfCustomer(context.db, organisation.id, customer.id),
    liveRecurrentMandate(context.db, organisation.id, customer.id),
  ]);
  const current = mandates.find((m) => m.status === "active" || m.status === "pending") ?? null;
  return {
    orgId: organisation.id,
    merchant: organisation.legalName,
    current,
    automatic: Boolean(live),
    mandates,
    upcoming,
  };
}

export default function SpaceDebit() {
  const { t, date } = useI18n();
  const { orgId, merchant, current, automatic, mandates, upcoming } = useLoaderData<typeof loader>();
  const withPdf = (m: (typeof mandates)[number]) => (m.creditorKind === "own_ics" ? Boolean(m.signedAt) : Boolean(m.providerMandateId));
  return (
    <div className="space-y-6">
      <title>{`${t("space.debit.title")} — ${merchant}`}</title>
      <div>
        <h1 className="text-2xl font-bold">{t("space.debit.title")}</h1>
        <p className="text-slate-600">{t("space.debit.intro", { merchant })}</p>
      </div>
      <Card title={t("space.debit.current")}>
        {current ? (
          <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm" data-testid="current-mandate">
            <dt className="text-slate-500">{t("mandate.paymentType")}</dt>
            <dd>{t(current.type === "recurrent" ? "mandate.type.recurrent" : "mandate.type.one_off")}</dd>
            <dt className="text-slate-500">{t("mandate.iban")}</dt>
            <dd className="font-mono">{current.ibanMasked}</dd>
            <dt className="text-slate-500">{t("mandate.rum")}</dt>
            <dd className="font-mono">{current.reference}</dd>
            <dt className="text-slate-500">{t("debits.status")}</dt>
            <dd>{t(`mandates.status.${current.status}` as MessageKey)}</dd>
            {current.signedAt ? (
              <>
                <dt className="text-slate-500">{t("mandate.signedOnLabel")}</dt>
                <dd>{date(current.signedAt)}</dd>
              </>
            ) : null}
          </dl>
        ) : (
          <p className="text-sm text-slate-600">{t("space.debit.none")}</p>
        )}
        {automatic ? <p className="mt-2 text-sm text-slate-700">{t("debits.automaticInstead")}</p> : null}
        <div className="mt-4 flex flex-wrap gap-3">
          <Link className={current ? secondaryButtonClass : buttonClass} to={spacePath(orgId, "/prelevement/mandat")} data-testid="sign-mandate">
            {t(current ? "space.debit.changeBank" : "space.debit.sign")}
          </Link>
          {current && withPdf(current) ? (
            <a className={secondaryButtonClass} href={spacePath(orgId, `/prelevement/${current.id}/pdf`)} data-testid="current-mandate-pdf">
              {t("space.debit.pdf")}
            </a>
          ) : null}
        </div>
      </Card>
      <Card title={t("debits.upcoming")}>
        <DebitTable debits={upcoming} />
      </Card>
      <MandateHistory
        mandates={mandates}
        actions={(m) =>
          withPdf(m as (typeof mandates)[number]) ? (
            <a className="text-xs text-blue-700 hover:underline" href={spacePath(orgId, `/prelevement/${m.id}/pdf`)}>
              {t("space.debit.pdf")}
            </a>
          ) : null
        }
      />
    </div>
  );
}
