import { Form, Link, useActionData, useLoaderData } from "react-router";
import { z } from "zod";
import { CustomerForm } from "~/components/customer-form";
import { CsrfInput, FormMessage, buttonClass, secondaryButtonClass } from "~/components/form";
import { InvoiceTable } from "~/components/invoice-table";
import { BalanceText, MovementsTable } from "~/components/account";
import { Card, PageHeader } from "~/components/page";
import { balancesOf, withRunningBalance } from "~/domain/accounts/movements";
import { accountMovements } from "~/domain/accounts/receipts";
import { checkCustomer, customerFields, customersWithEmail, getCustomer, setCustomerArchived, updateCustomer } from "~/domain/customers";
import { listInvoices } from "~/domain/invoices/service";
import { MandateHistory } from "~/components/mandates";
import { mandatesOfCustomer } from "~/domain/mandates/service";
import { can } from "~/domain/permissions";
import { todayUtc } from "~/domain/validation";
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
  // Issue 15: the customer's SEPA mandates and their history (masked IBAN).
  const mandates = await mandatesOfCustomer(context.db, organisation.id, customer.id);
  return { customer, invoices, sameEmail, canEdit: can(role, "editCustomers"), account, canRecord: can(role, "managePayments"), mandates };
}

const customerActions = z.discriminatedUnion(
  "intent",
  [
    customerFields.extend({ intent: z.literal("save") }).superRefine(checkCustomer),
    z.object({ intent: z.literal("archive") }),
    z.object({ intent: z.literal("unarchive") }),
  ],
  { error: "errors.unknownAction" },
);

export async function action({ request, params, context }: Route.ActionArgs) {
  const { organisation, role } = await requireMember(request, context);
  if (!(await getCustomer(context.db, organisation.id, params.customerId))) notFound();
  if (!can(role, "editCustomers")) forbidden();
  const submission = await parseForm(request, context, customerActions);
  if (submission.status !== "success") return refuse(submission);
  const input = submission.value;
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
  const { t } = useI18n();
  const { customer, invoices, sameEmail, canEdit, account, canRecord, mandates } = useLoaderData<typeof loader>();
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
      {canEdit ? (
        <Card title={t("customers.edit")}>
          <CustomerForm lastResult={actionData?.result} defaultValue={customer} submitLabel={t("common.save")} />
        </Card>
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
        <p className="text-xs text-slate-500">{t("account.balanceHint")}</p>
        <p className="mt-2 text-sm">
          <Link className="text-blue-700 hover:underline" to={`/customers/${customer.id}/statement`}>
            {t("account.statement")}
          </Link>
        </p>
      </Card>
      <MandateHistory
        mandates={mandates}
        actions={(m) => (
          <Link className="text-sm text-blue-700 hover:underline" to={`/customers/${customer.id}/mandates/${m.id}`}>
            {["pending", "active"].includes(m.status) && canRecord ? t("mandates.manage") : t("mandates.details")}
          </Link>
        )}
      />
      <Card title={t("customers.invoices")}>
        <InvoiceTable invoices={invoices} showCustomer={false} />
      </Card>
    </div>
  );
}
