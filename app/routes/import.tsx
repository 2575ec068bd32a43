import { Form, Link, useActionData, useLoaderData, useSearchParams } from "react-router";
import { z } from "zod";
import { CsrfInput, FormErrors, FormMessage, buttonClass, inputClass } from "~/components/form";
import { Card, PageHeader } from "~/components/page";
import { assignLine, confirmLines, firstImportsOf, getImport, ignoreLine } from "~/domain/imports/service";
import { isCurrency } from "~/domain/money";
import { idField } from "~/domain/validation";
import type { MessageKey } from "~/i18n";
import { useI18n } from "~/i18n/react";
import { formatDate } from "~/lib/format";
import { parseForm, refuse, replyTo } from "~/lib/forms.server";
import { notFound } from "~/lib/http.server";
import { requireMember } from "~/lib/session.server";
import type { Route } from "./+types/import";

/** Why the file's reading set a line aside: no amount or date could be read, a currency we do not invoice in, or money paid out. */
function ignoredWhy(line: { kind: string; amountMinor: number; currency: string }) {
  if (line.kind !== "ignored") return null;
  return line.amountMinor === 0 ? "unreadable" : !isCurrency(line.currency) ? "currency" : "moneyOut";
}

export async function loader({ request, params, context }: Route.LoaderArgs) {
  const { organisation } = await requireMember(request, context, "importPayments");
  const file = (await getImport(context.db, organisation.id, params.importId)) ?? notFound();
  const customers = await context.db.customer.findMany({
    where: { organisationId: organisation.id, archivedAt: null },
    orderBy: { name: "asc" },
    select: { id: true, name: true, company: true, reference: true },
  });
  const invoiceIds = [...new Set(file.lines.map((l) => l.invoiceId).filter((id): id is string => Boolean(id)))];
  const invoices = await context.db.invoice.findMany({
    where: { organisationId: organisation.id, id: { in: invoiceIds } },
    select: { id: true, number: true },
  });
  const copies = await firstImportsOf(context.db, organisation.id, file.lines);
  return { file, customers, invoices: Object.fromEntries(invoices.map((i) => [i.id, i.number])), copies };
}

const importAction = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("confirm") }),
  z.object({ intent: z.literal("assign"), lineId: idField, customerId: idField }),
  z.object({ intent: z.literal("ignore"), lineId: idField }),
]);

export async function action({ request, params, context }: Route.ActionArgs) {
  const { organisation, user } = await requireMember(request, context, "importPayments");
  const submission = await parseForm(request, context, importAction);
  if (submission.status !== "success") return refuse(submission);
  const input = submission.value;
  if (input.intent === "ignore") {
    const ignored = (await ignoreLine(context.db, organisation.id, params.importId, input.lineId)) ?? notFound();
    if (!ignored) return refuse(submission, { formErrors: ["imports.errors.assign"] });
    return { result: replyTo(submission), ignored: true as const };
  }
  if (input.intent === "assign") {
    const assigned = (await assignLine(context.db, organisation.id, params.importId, input.lineId, input.customerId)) ?? notFound();
    if (!assigned) return refuse(submission, { formErrors: ["imports.errors.assign"] });
    return { result: replyTo(submission), assigned: true as const };
  }
  const confirmed =
    (await confirmLines({ db: context.db, appUrl: context.config.APP_URL }, organisation.id, params.importId, user.id, new Date())) ?? notFound();
  context.log.info({ importFileId: params.importId, ...confirmed }, "imported lines confirmed");
  return { result: replyTo(submission), confirmed };
}

export default function ImportedFile() {
  const { t, locale, money } = useI18n();
  const { file, customers, invoices, copies } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [params] = useSearchParams();
  const imported = params.get("imported");
  const confirmed = actionData && "confirmed" in actionData ? actionData.confirmed : null;
  const pending = file.lines.filter((l) => l.status === "pending").length;
  const customerName = new Map(customers.map((c) => [c.id, c.company || c.name]));
  return (
    <div className="max-w-6xl space-y-6">
      <PageHeader title={t("imports.file.title", { name: file.fileName })}>
        <p className="text-sm break-all text-slate-600">
          {t("imports.file.meta", { date: formatDate(file.createdAt, locale), sha: file.sha256 })} ·{" "}
          <a href={`/imports/${file.id}/file`} className="text-blue-700 hover:underline">
            {t("imports.file.download")}
          </a>
        </p>
      </PageHeader>
      <div className="empty:hidden">
        <FormErrors result={actionData?.result} />
        {imported ? <FormMessage success={t("imports.upload.done", { count: imported })} /> : null}
        {confirmed ? (
          <FormMessage
            success={
              confirmed.recorded + confirmed.reversed === 0
                ? `${t("imports.confirm.nothing")}${confirmed.manual ? ` ${t("imports.confirm.manualLeft", { manual: String(confirmed.manual) })}` : ""}`
                : t("imports.confirm.done", { recorded: String(confirmed.recorded), reversed: String(confirmed.reversed), manual: String(confirmed.manual) })
            }
          />
        ) : null}
      </div>
      <Card>
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm [&_td]:pr-3 [&_th]:pr-3">
            <thead className="text-slate-500">
              <tr>
                <th className="py-2">{t("imports.line.no")}</th>
                <th>{t("imports.line.date")}</th>
                <th className="text-right">{t("imports.line.amount")}</th>
                <th>{t("imports.line.reference")}</th>
                <th>{t("imports.line.payer")}</th>
                <th>{t("imports.line.kind")}</th>
                <th>{t("imports.line.match")}</th>
                <th>{t("imports.line.status")}</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {file.lines.map((line) => (
                <tr key={line.id} className={line.status === "ignored" || line.status === "recorded" ? "text-slate-400" : undefined} data-line={line.lineNo}>
                  <td className="py-2">{line.lineNo}</td>
                  <td className="whitespace-nowrap">{line.kind === "ignored" && line.amountMinor === 0 ? "" : formatDate(line.bookedOn, locale)}</td>
                  <td className="text-right whitespace-nowrap">
                    {money(line.kind === "return" || ignoredWhy(line) === "moneyOut" ? -line.amountMinor : line.amountMinor, line.currency)}
                  </td>
                  <td className="max-w-xs break-words">
                    {line.reference}
                    {line.returnReason ? <span className="block text-xs">{line.returnReason}</span> : null}
                  </td>
                  <td>{line.payerName}</td>
                  <td>
                    {t(`imports.lineKind.${line.kind}` as MessageKey)}
                    {line.kind === "ignored" ? (
                      <span className="block text-xs text-slate-500">{t(`imports.ignored.${ignoredWhy(line) ?? "unreadable"}`)}</span>
                    ) : null}
                  </td>
                  <td>
                    {line.customerId ? (
                      <Link to={`/customers/${line.customerId}`} className="text-blue-700 hover:underline">
                        {customerName.get(line.customerId) ?? ""}
                      </Link>
                    ) : null}
                    {line.invoiceId && invoices[line.invoiceId] ? <span className="block">{invoices[line.invoiceId]}</span> : null}
                    <span className="block text-xs text-slate-500">{t(`imports.matchedBy.${line.matchedBy}` as MessageKey)}</span>
                    {line.kind === "credit" && (line.status === "manual" || line.status === "pending") ? (
                      <Form method="post" className="mt-1 flex gap-1">
                        <CsrfInput />
                        <input type="hidden" name="lineId" value={line.id} />
                        <select name="customerId" aria-label={t("imports.assign.label")} className={inputClass} defaultValue={line.customerId ?? ""} required>
                          <option value="">{t("imports.assign.choose")}</option>
                          {customers.map((c) => (
                            <option key={c.id} value={c.id}>
                              {c.company ? `${c.company} — ${c.name}` : c.name}
                              {c.reference ? ` (${c.reference})` : ""}
                            </option>
                          ))}
                        </select>
                        <button name="intent" value="assign" className="text-blue-700 hover:underline">
                          {t("imports.assign.submit")}
                        </button>
                      </Form>
                    ) : null}
                  </td>
                  <td>
                    {t(`imports.status.${line.status}` as MessageKey)}
                    {copies[line.id] && line.status !== "ignored" && line.status !== "recorded" ? (
                      <span className="block text-xs text-amber-700" data-testid="line-copy">
                        {t("imports.line.copyOf", { line: String(copies[line.id].lineNo) })}{" "}
                        <Link to={`/imports/${copies[line.id].fileId}`} className="text-blue-700 hover:underline">
                          {copies[line.id].fileName}
                        </Link>
                      </span>
                    ) : null}
                    {line.status === "manual" || line.status === "pending" ? (
                      <Form method="post">
                        <CsrfInput />
                        <input type="hidden" name="lineId" value={line.id} />
                        <button name="intent" value="ignore" className="text-xs text-blue-700 hover:underline">
                          {t("imports.line.ignore")}
                        </button>
                      </Form>
                    ) : null}
                    {line.receipt ? (
                      <Link to={`/receipts/${line.receipt.id}`} className="block text-blue-700 hover:underline">
                        {t("imports.line.receipt")}
                      </Link>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Card>
      {pending > 0 ? (
        <Form method="post">
          <CsrfInput />
          <button name="intent" value="confirm" className={buttonClass}>
            {t("imports.confirm.submit")}
          </button>
        </Form>
      ) : null}
    </div>
  );
}
