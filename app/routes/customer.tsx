import { Form, Link, redirect, useActionData, useLoaderData, useSearchParams } from "react-router";
import { z } from "zod";
import { CustomerForm } from "~/components/customer-form";
import { CsrfInput, FormMessage, buttonClass, secondaryButtonClass } from "~/components/form";
import { InvoiceTable } from "~/components/invoice-table";
import { BalanceText, MovementsTable } from "~/components/account";
import { Card, PageHeader } from "~/components/page";
import { balancesOf, withRunningBalance } from "~/domain/accounts/movements";
import { ConfirmLink, ConfirmStep, confirmHref } from "~/components/confirm";
import { accountCredit, applyCredit } from "~/domain/accounts/credit";
import { refundBalanceCredit } from "~/domain/refunds";
import { accountMovements } from "~/domain/accounts/receipts";
import { checkCustomer, customerFields, customersWithEmail, getCustomer, setCustomerArchived, updateCustomer } from "~/domain/customers";
import { accessOf, accessState } from "~/domain/customer-space/access";
import { creditNotesOfCustomer } from "~/domain/credit-notes/service";
import { listInvoices } from "~/domain/invoices/service";
import { MandateHistory } from "~/components/mandates";
import { DebitTable } from "~/components/debits";
import { upcomingDebitsOfCustomer } from "~/domain/debits/service";
import { mandatesOfCustomer } from "~/domain/mandates/service";
import { can } from "~/domain/permissions";
import { optionalText, todayUtc } from "~/domain/validation";
import { useI18n } from "~/i18n/react";
import { parseForm, refuse, replyTo } from "~/lib/forms.server";
import { forbidden, notFound } from "~/lib/http.server";
import { requireMember } from "~/lib/session.server";
import type { Route } from "./+types/customer";

export async function loader({ request, params, context }: Route.LoaderArgs) {
  const { organisation, role } = await requireMember(request, context);
  const customer = (await getCustomer(context.db, organisation.id, params.customerId)) ?? notFound();
  const { invoices } = await listInvoices(context.db, organisation.id, { customerId: customer.id }, todayUtc(new Date()));
  // Issue 14: the account, derived from its entries (one table per currency).
  const movements = await accountMovements(context.db, organisation.id, customer.id);
  const account = Object.entries(balancesOf(movements)).map(([currency, balanceMinor]) => ({
    currency,
    balanceMinor,
    movements: withRunningBalance(movements, currency),
  }));
  const sameEmail = await customersWithEmail(context.db, organisation.id, customer.email, customer.id);
  // Credit the invoices due could use now (it is used by itself when an invoice is finalised).
  const credit = await accountCredit(context.db, organisation.id, customer.id);
  const usable = Object.entries(credit.available)
    .filter(([currency, minor]) => minor > 0 && invoices.some((i) => i.currency === currency && i.amountDueMinor > 0))
    .map(([currency, minor]) => ({ currency, minor }));
  const space = accessState(await accessOf(context.db, organisation.id, customer.id), new Date());
  const creditNotes = await creditNotesOfCustomer(context.db, organisation.id, customer.id);
  const canRecord = can(role, "managePayments");
  // Issue 15: the customer's SEPA mandates and their history (masked IBAN).
  const mandates = await mandatesOfCustomer(context.db, organisation.id, customer.id);
  // Its upcoming automatic collections (docs/decisions/0020), next to the mandates.
  const debits = await upcomingDebitsOfCustomer(context.db, organisation.id, customer.id);
  // Credit left by balance payments can go back through the provider that took it.
  const refundable = credit.refundable.map((s) => ({
    currency: s.payment.currency,
    amountMinor: s.amountMinor,
    provider: s.payment.provider,
  }));
  return { customer, invoices, creditNotes, sameEmail, canEdit: can(role, "editCustomers"), account, canRecord, usable, space, mandates, refundable, debits };
}

const customerActions = z.discriminatedUnion(
  "intent",
  [
    customerFields.extend({ intent: z.literal("save") }).superRefine(checkCustomer),
    z.object({ intent: z.literal("archive") }),
    z.object({ intent: z.literal("unarchive") }),
    z.object({ intent: z.literal("applyCredit") }),
    z.object({ intent: z.literal("refundCredit"), confirmed: optionalText(3) }),
  ],
  { error: "errors.unknownAction" },
);

export async function action({ request, params, context }: Route.ActionArgs) {
  const { organisation, role, session } = await requireMember(request, context);
  if (!(await getCustomer(context.db, organisation.id, params.customerId))) notFound();
  const submission = await parseForm(request, context, customerActions);
  if (submission.status !== "success") return refuse(submission);
  const input = submission.value;
  if (input.intent === "refundCredit") {
    if (!can(role, "managePayments")) forbidden();
    // Destructive: only with the confirmation step's `confirmed=yes`.
    if (input.confirmed !== "yes") return redirect(confirmHref(`/customers/${params.customerId}`, "refundCredit"));
    const deps = { db: context.db, providers: context.providers, encryptionKey: context.config.ENCRYPTION_KEY, log: context.log };
    const refunded = await refundBalanceCredit(deps, organisation.id, params.customerId, session.user.id);
    return refunded.ok
      ? { result: null, refunded: { amountMinor: refunded.amountMinor, currency: refunded.currency } }
      : { result: null, refundError: refunded.error };
  }
  if (input.intent === "applyCredit") {
    if (!can(role, "managePayments")) forbidden();
    const appliedMinor = await context.db.$transaction((tx) => applyCredit(tx, organisation.id, params.customerId));
    return { result: null, applied: appliedMinor > 0 };
  }
  if (!can(role, "editCustomers")) forbidden();
  if (input.intent !== "save") {
    await setCustomerArchived(context.db, organisation.id, params.customerId, input.intent === "archive", new Date());
    return { result: null, saved: true };
  }
  const { intent: _intent, ...customer } = input;
  await updateCustomer(context.db, organisation.id, params.customerId, customer);
  // The form starts again from what was stored (email in lower case, country code).
  return { result: replyTo(submission, { resetForm: true }), saved: true };
}

export default function CustomerPage() {
  const { t, money, date } = useI18n();
  const { customer, invoices, creditNotes, sameEmail, canEdit, account, canRecord, usable, space, mandates, refundable, debits } =
    useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const here = `/customers/${customer.id}`;
  const actionData = useActionData<typeof action>();
  return (
    <div className="max-w-4xl space-y-6">
      <PageHeader
        title={customer.name}
        actions={
          <>
            {canRecord ? (
              <Link className={secondaryButtonClass} to={`/customers/${customer.id}/receipts/new`}>
                {t("receipt.record")}
              </Link>
            ) : null}
            {canEdit && !customer.archivedAt ? (
              <Link className={buttonClass} to={`/invoices/new?customerId=${customer.id}`}>
                {t("invoices.new")}
              </Link>
            ) : null}
            {canEdit ? (
              <Form method="post">
                <CsrfInput />
                <button name="intent" value={customer.archivedAt ? "unarchive" : "archive"} className={secondaryButtonClass}>
                  {customer.archivedAt ? t("customers.unarchive") : t("customers.archive")}
                </button>
              </Form>
            ) : null}
          </>
        }
      >
        {customer.company ? <p className="text-slate-600">{customer.company}</p> : null}
      </PageHeader>
      {customer.archivedAt ? <FormMessage error="customers.archivedNotice" /> : null}
      {actionData && "saved" in actionData ? <FormMessage success={t("common.saved")} /> : null}
      {actionData && "applied" in actionData ? (
        <FormMessage success={t(actionData.applied ? "account.creditApplied" : "account.creditNothingApplied")} />
      ) : null}
      {sameEmail.length ? (
        <div className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900" role="status" data-testid="duplicate-email">
          <p>
            {t("customers.duplicateEmail")}{" "}
            {sameEmail.map((other, i) => (
              <span key={other.id}>
                {i > 0 ? ", " : null}
                <Link className="font-medium underline" to={`/customers/${other.id}`}>
                  {other.company ? `${other.company} (${other.name})` : other.name}
                </Link>
              </span>
            ))}
          </p>
          <p className="mt-1 text-xs">{t("customers.duplicateEmailHint")}</p>
        </div>
      ) : null}
      <Card title={t("account.title")}>
        {account.length === 0 ? <p className="text-slate-600">{t("account.noMovements")}</p> : null}
        {account.map((a) => (
          <section key={a.currency} className="mb-4 space-y-2">
            <p>
              {t("account.balanceIn", { currency: a.currency })} <BalanceText minor={a.balanceMinor} currency={a.currency} />
            </p>
            <h3 className="text-sm font-semibold text-slate-700">{t("account.movements")}</h3>
            <MovementsTable movements={a.movements} currency={a.currency} />
          </section>
        ))}
        {usable.map((c) => (
          <Form key={c.currency} method="post" className="mb-3 flex flex-wrap items-center gap-3 rounded-md bg-emerald-50 p-3 text-sm text-emerald-900">
            <CsrfInput />
            <span>{t("account.credit.available", { amount: money(c.minor, c.currency) })}</span>
            {canRecord ? (
              <button name="intent" value="applyCredit" className={secondaryButtonClass}>
                {t("account.applyCredit")}
              </button>
            ) : null}
          </Form>
        ))}
        {actionData && "refunded" in actionData && actionData.refunded ? (
          <FormMessage success={t("account.creditRefundRequested", { amount: money(actionData.refunded.amountMinor, actionData.refunded.currency) })} />
        ) : null}
        {actionData && "refundError" in actionData && actionData.refundError ? <FormMessage error={actionData.refundError} /> : null}
        {canRecord && refundable.length ? (
          <div className="mb-3 space-y-2 text-sm" data-testid="refund-credit">
            {params.get("confirm") === "refundCredit" ? (
              <ConfirmStep
                title={t("confirm.refundCredit.title", { amount: refundable.map((r) => money(r.amountMinor, r.currency)).join(" + ") })}
                intent="refundCredit"
                confirmLabel={t("confirm.refundCredit.yes")}
                cancelLabel={t("confirm.refund.no")}
                cancelTo={here}
              >
                <p>{t("confirm.refundCredit.body")}</p>
              </ConfirmStep>
            ) : (
              <ConfirmLink to={confirmHref(here, "refundCredit")}>
                {t("account.refundCredit", { amount: refundable.map((r) => money(r.amountMinor, r.currency)).join(" + ") })}
              </ConfirmLink>
            )}
          </div>
        ) : null}
        <p className="text-xs text-slate-500">{t("account.balanceHint")}</p>
        <p className="mt-2 text-sm">
          <Link className="text-blue-700 hover:underline" to={`/customers/${customer.id}/statement`}>
            {t("account.statement")}
          </Link>
        </p>
      </Card>
      <Card title={t("space.access.title")}>
        <p className="text-sm" data-testid="customer-space-state">
          {t(`space.access.short.${space}`)}
        </p>
        <div className="mt-3 flex flex-wrap items-center gap-3">
          {canEdit && customer.email && !customer.archivedAt ? (
            <Form method="post" action={`/customers/${customer.id}/space`}>
              <CsrfInput />
              <button name="intent" value="invite" className={secondaryButtonClass}>
                {t("space.access.invite")}
              </button>
            </Form>
          ) : null}
          {!customer.email ? <span className="text-sm text-slate-600">{t("space.access.noEmail")}</span> : null}
          <Link className="text-sm text-blue-700 hover:underline" to={`/customers/${customer.id}/space`}>
            {t("space.access.manage")}
          </Link>
        </div>
      </Card>
      <MandateHistory
        mandates={mandates}
        actions={(m) => (
          <Link className="text-sm text-blue-700 hover:underline" to={`/customers/${customer.id}/mandates/${m.id}`}>
            {["pending", "active"].includes(m.status) && canRecord ? t("mandates.manage") : t("mandates.details")}
          </Link>
        )}
      />
      <Card title={t("debits.upcoming")}>
        <DebitTable debits={debits} invoiceLink={(id) => `/invoices/${id}`} />
      </Card>
      <Card title={t("customers.invoices")}>
        <InvoiceTable invoices={invoices} showCustomer={false} />
      </Card>
      {creditNotes.length ? (
        <Card title={t("creditNotes.title")}>
          <table className="w-full text-left text-sm" data-testid="customer-credit-notes">
            <thead className="text-slate-500">
              <tr>
                <th className="py-2">{t("creditNotes.number")}</th>
                <th>{t("creditNotes.date")}</th>
                <th>{t("creditNotes.invoice")}</th>
                <th className="text-right">{t("creditNotes.total")}</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {creditNotes.map((note) => (
                <tr key={note.id}>
                  <td className="py-2">
                    <Link className="text-blue-700 hover:underline" to={`/credit-notes/${note.id}`}>
                      {note.number}
                    </Link>
                  </td>
                  <td>{date(note.issueDate)}</td>
                  <td>
                    <Link className="text-blue-700 hover:underline" to={`/invoices/${note.invoiceId}`}>
                      {note.invoice.number}
                    </Link>
                  </td>
                  <td className="text-right tabular-nums">{money(note.totalMinor, note.currency)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
      ) : null}
      {/* The account first: it is what the customer page is opened for; the details to edit come last. */}
      {canEdit ? (
        <Card title={t("customers.edit")}>
          {/* Keyed by customer: a link from one customer's page to another's (the duplicate email) keeps this page mounted, and the form would keep the first one's values. */}
          <CustomerForm key={customer.id} lastResult={actionData?.result} defaultValue={customer} submitLabel={t("common.save")} />
        </Card>
      ) : null}
    </div>
  );
}
