import { useForm } from "@conform-to/react";
import { Form, Link, redirect, useActionData, useLoaderData } from "react-router";
import { z } from "zod";
import { useMethodLabel } from "~/components/account";
import { CsrfInput, Field, FormErrors, FormMessage, SelectField, buttonClass, inputClass, secondaryButtonClass } from "~/components/form";
import { Card, PageHeader } from "~/components/page";
import { RECEIPT_METHODS } from "~/domain/accounts/allocation";
import { getMapping, importFile, listImports, saveMapping } from "~/domain/imports/service";
import { can } from "~/domain/permissions";
import { checkProviders, lastChecks } from "~/domain/provider-checks";
import { optionalText, requiredText } from "~/domain/validation";
import type { MessageKey } from "~/i18n";
import { useI18n } from "~/i18n/react";
import { formatDate, formatDateTime } from "~/lib/format";
import { parseForm, refuse, replyTo } from "~/lib/forms.server";
import { forbidden } from "~/lib/http.server";
import { requireMember } from "~/lib/session.server";
import type { Route } from "./+types/imports";

export async function loader({ request, context }: Route.LoaderArgs) {
  const { organisation, role } = await requireMember(request, context, "importPayments");
  // The provider checks stay with those who manage the providers' payments.
  const canCheck = can(role, "managePayments");
  const [files, mapping, checks, connections] = await Promise.all([
    listImports(context.db, organisation.id),
    getMapping(context.db, organisation.id),
    canCheck ? lastChecks(context.db, organisation.id) : [],
    canCheck ? context.db.providerConnection.count({ where: { organisationId: organisation.id, revokedAt: null } }) : 0,
  ]);
  return {
    files,
    checks,
    canCheck,
    connected: connections > 0,
    mapping: {
      dateColumn: mapping?.dateColumn ?? "Date",
      amountColumn: mapping?.amountColumn ?? "Montant",
      referenceColumn: mapping?.referenceColumn ?? "Libellé",
      payerColumn: mapping?.payerColumn ?? "",
      customerRefColumn: mapping?.customerRefColumn ?? "",
      decimal: mapping?.decimal ?? "auto",
      method: mapping?.method ?? "other",
    },
  };
}

const DECIMALS = ["auto", "comma", "point"] as const;

const importsAction = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("upload"), file: z.any().optional() }),
  z.object({
    intent: z.literal("mapping"),
    dateColumn: requiredText(100),
    amountColumn: requiredText(100),
    referenceColumn: requiredText(100),
    payerColumn: optionalText(100),
    customerRefColumn: optionalText(100),
    decimal: z.enum(DECIMALS, { error: "errors.invalid" }),
    method: z.enum(RECEIPT_METHODS, { error: "errors.invalid" }),
  }),
  z.object({ intent: z.literal("check") }),
]);

export async function action({ request, context }: Route.ActionArgs) {
  const { organisation, user, role } = await requireMember(request, context, "importPayments");
  const submission = await parseForm(request, context, importsAction);
  if (submission.status !== "success") return refuse(submission);
  const input = submission.value;
  if (input.intent === "mapping") {
    const { intent: _intent, ...mapping } = input;
    await saveMapping(context.db, organisation.id, mapping);
    return { result: replyTo(submission), saved: true as const };
  }
  if (input.intent === "check") {
    if (!can(role, "managePayments")) forbidden();
    const deps = {
      db: context.db,
      providers: context.providers,
      encryptionKey: context.config.ENCRYPTION_KEY,
      appUrl: context.config.APP_URL,
      log: context.log,
    };
    const checked = await checkProviders(deps, organisation.id, new Date());
    return { result: null, checked };
  }
  const file = input.file;
  // No file chosen arrives as an empty file without a name; an empty file that was chosen is said so by the import.
  if (!(file instanceof File) || (file.size === 0 && !file.name))
    return { result: replyTo(submission, { formErrors: ["imports.errors.noFile"] }), missing: [], existingId: null };
  const bytes = new Uint8Array(await file.arrayBuffer());
  const imported = await importFile(
    { db: context.db, encryptionKey: context.config.ENCRYPTION_KEY, appUrl: context.config.APP_URL },
    organisation.id,
    user.id,
    { name: file.name, bytes },
    new Date(),
  );
  if (!imported.ok)
    return { result: replyTo(submission, { formErrors: [imported.error] }), missing: imported.missing ?? [], existingId: imported.existingId ?? null };
  return redirect(`/imports/${imported.importFileId}?imported=${imported.lines}`);
}

export default function Imports() {
  const { t, locale } = useI18n();
  const methodLabel = useMethodLabel();
  const { files, mapping, checks, canCheck, connected } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const mappingResult = actionData && "saved" in actionData ? actionData.result : undefined;
  const [form, fields] = useForm({ id: "mapping", lastResult: mappingResult, defaultValue: mapping });
  const uploadErrors = actionData && "missing" in actionData ? actionData : null;
  const checked = actionData && "checked" in actionData ? actionData.checked : null;
  return (
    <div className="max-w-5xl space-y-6">
      <PageHeader title={t("imports.title")}>
        <p className="text-slate-600">{t("imports.intro")}</p>
      </PageHeader>

      {canCheck ? (
        <Card title={t("checks.title")}>
          <p className="mb-3 text-sm text-slate-600">{t("checks.intro")}</p>
          {connected ? (
            <Form method="post" className="space-y-3">
              <CsrfInput />
              <button name="intent" value="check" className={buttonClass}>
                {t("checks.button")}
              </button>
              {checked ? <FormMessage success={t("checks.done", { new: String(checked.created), updated: String(checked.updated) })} /> : null}
              {checked?.failed.map((provider) => (
                <p key={provider} role="alert" className="text-sm text-red-700">
                  {t("checks.failed", { provider: t(`providers.${provider}` as MessageKey) })}
                </p>
              ))}
              <ul className="text-sm text-slate-600">
                {checks
                  .filter((c) => c.lastRunAt)
                  .map((c) => (
                    <li key={c.id}>{t("checks.last", { provider: t(`providers.${c.provider}` as MessageKey), date: formatDateTime(c.lastRunAt!, locale) })}</li>
                  ))}
              </ul>
            </Form>
          ) : (
            <p className="text-sm">{t("checks.none")}</p>
          )}
        </Card>
      ) : null}

      <Card title={t("imports.upload.title")}>
        <Form method="post" encType="multipart/form-data" className="space-y-3">
          <CsrfInput />
          {uploadErrors ? (
            <div role="alert" className="text-sm text-red-700">
              {(uploadErrors.result?.error?.[""] ?? []).map((key) => (
                <p key={key}>{t(key as MessageKey)}</p>
              ))}
              {uploadErrors.missing?.length ? <p>{uploadErrors.missing.join(", ")}</p> : null}
              {uploadErrors.existingId ? (
                <Link to={`/imports/${uploadErrors.existingId}`} className="underline">
                  {t("imports.files.title")}
                </Link>
              ) : null}
            </div>
          ) : null}
          <label className="block">
            <span className="mb-1 block text-sm font-medium">{t("imports.upload.file")}</span>
            <input type="file" name="file" required accept=".csv,.txt,.xml,text/csv,application/xml,text/xml" className={inputClass} />
          </label>
          <button name="intent" value="upload" className={buttonClass}>
            {t("imports.upload.submit")}
          </button>
        </Form>
      </Card>

      <Card title={t("imports.files.title")}>
        {files.length === 0 ? (
          <p>{t("imports.files.empty")}</p>
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm">
              <thead className="text-slate-500">
                <tr>
                  <th className="py-2">{t("imports.files.date")}</th>
                  <th>{t("imports.files.name")}</th>
                  <th>{t("imports.files.kind")}</th>
                  <th>{t("imports.files.lines")}</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {files.map((f) => (
                  <tr key={f.id}>
                    <td className="py-2 whitespace-nowrap">{formatDate(f.createdAt, locale)}</td>
                    <td>
                      <Link to={`/imports/${f.id}`} className="text-blue-700 hover:underline">
                        {f.fileName}
                      </Link>
                    </td>
                    <td>{t(`imports.kind.${f.kind}` as MessageKey)}</td>
                    <td>
                      {t("imports.files.summary", {
                        pending: String(f.counts.pending ?? 0),
                        manual: String(f.counts.manual ?? 0),
                        recorded: String(f.counts.recorded ?? 0),
                      })}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>

      <Card title={t("imports.mapping.title")}>
        <p className="mb-3 text-sm text-slate-600">{t("imports.mapping.intro")}</p>
        <Form method="post" id={form.id} onSubmit={form.onSubmit} noValidate className="space-y-4">
          <CsrfInput />
          <FormErrors result={mappingResult} />
          {actionData && "saved" in actionData ? <FormMessage success={t("imports.mapping.saved")} /> : null}
          <div className="grid gap-4 sm:grid-cols-2">
            <Field meta={fields.dateColumn} label={t("imports.mapping.date")} required />
            <Field meta={fields.amountColumn} label={t("imports.mapping.amount")} required />
            <Field meta={fields.referenceColumn} label={t("imports.mapping.reference")} required />
            <Field meta={fields.payerColumn} label={t("imports.mapping.payer")} />
            <Field meta={fields.customerRefColumn} label={t("imports.mapping.customerRef")} />
            <SelectField meta={fields.decimal} label={t("imports.mapping.decimal")}>
              {DECIMALS.map((d) => (
                <option key={d} value={d}>
                  {t(`imports.decimal.${d}` as MessageKey)}
                </option>
              ))}
            </SelectField>
            <SelectField meta={fields.method} label={t("imports.mapping.method")}>
              {RECEIPT_METHODS.map((m) => (
                <option key={m} value={m}>
                  {methodLabel(m)}
                </option>
              ))}
            </SelectField>
          </div>
          <button name="intent" value="mapping" className={secondaryButtonClass}>
            {t("common.save")}
          </button>
        </Form>
      </Card>
    </div>
  );
}
