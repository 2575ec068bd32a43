import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes, TextareaHTMLAttributes } from "react";
import { useNavigation, useRouteLoaderData } from "react-router";
import { isMessageKey, type MessageKey } from "~/i18n";
import { useI18n } from "~/i18n/react";

/** Every mutating form carries this; the server refuses forms without it. */
export function CsrfInput() {
  const root = useRouteLoaderData("root") as { csrfToken: string } | undefined;
  return <input type="hidden" name="csrf" value={root?.csrfToken ?? ""} />;
}

/**
 * An edit form's `lastResult`, held back until React Router has reloaded the page's data: React Router
 * hands over the action's answer before the loaders have run again, and a `resetForm` reply applied then
 * starts the form again from the values it was first rendered with, not the saved ones (conform's advice).
 */
export function useSettledResult<T>(result: T | null | undefined): T | null | undefined {
  return useNavigation().state === "idle" ? result : null;
}

export const inputClass =
  "block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:border-blue-600 focus:outline-none focus:ring-2 focus:ring-blue-600/20 aria-[invalid=true]:border-red-600";
export const buttonClass =
  "inline-flex items-center justify-center rounded-md bg-blue-700 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-blue-800 focus:outline-none focus:ring-2 focus:ring-blue-600/40 disabled:opacity-50";
export const secondaryButtonClass =
  "inline-flex items-center justify-center rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-medium text-slate-800 hover:bg-slate-50";
export const dangerButtonClass =
  "inline-flex items-center justify-center rounded-md border border-red-300 bg-white px-4 py-2 text-sm font-medium text-red-700 hover:bg-red-50";

/** Errors are message keys; anything else (never expected) reads as "invalid value". */
function keysOf(errors: readonly string[] | undefined): MessageKey[] {
  return [...new Set((errors ?? []).map((error) => (isMessageKey(error) ? error : "errors.invalid")))];
}

/** A field's errors, translated, right under it (its `id` is what the field's aria-describedby names). */
export function FieldError({ id, errors }: { id: string; errors?: readonly string[] }) {
  const { t } = useI18n();
  const keys = keysOf(errors);
  if (!keys.length) return null;
  return (
    <p id={id} className="mt-1 text-sm text-red-700" role="alert">
      {keys.map((key) => t(key)).join(" ")}
    </p>
  );
}

/** What the field components read from conform's field metadata (`fields.name` from `useForm`). */
export interface FieldMeta {
  key?: string;
  id: string;
  name: string;
  formId: string;
  errorId: string;
  initialValue?: unknown;
  errors?: readonly string[];
}

/** A field is given conform's metadata (`meta`), which brings its name, id, submitted value and errors. */
type FieldProps = { meta: FieldMeta; label: string; hint?: ReactNode; className?: string };

function controlOf(meta: FieldMeta) {
  return {
    key: meta.key,
    errors: meta.errors,
    props: {
      id: meta.id,
      name: meta.name,
      form: meta.formId,
      defaultValue: typeof meta.initialValue === "string" ? meta.initialValue : undefined,
      errorId: meta.errorId,
    },
  };
}

function Label({ htmlFor, children }: { htmlFor: string; children: ReactNode }) {
  return (
    <label htmlFor={htmlFor} className="mb-1 block text-sm font-medium text-slate-700">
      {children}
    </label>
  );
}

/**
 * A field in error says so to assistive technology, and asks for focus: a browser focuses the first
 * `autofocus` field of a page it loads, so without JavaScript the refused form comes back with the
 * cursor in its first field in error. With JavaScript, conform's useForm moves focus there when the
 * refusal arrives (tested in test/e2e/issue13.e2e.ts).
 */
function ariaOf(id: string, errorId: string, errors: readonly string[] | undefined, hint: boolean) {
  const invalid = Boolean(errors?.length);
  const describedBy = [invalid ? errorId : null, hint ? `${id}-hint` : null].filter(Boolean).join(" ");
  return { "aria-invalid": invalid || undefined, "aria-describedby": describedBy || undefined, autoFocus: invalid || undefined };
}

export function Field({ meta, label, hint, className, ...input }: FieldProps & Omit<InputHTMLAttributes<HTMLInputElement>, "name" | "form">) {
  const control = controlOf(meta);
  const { errorId, defaultValue, ...props } = control.props;
  return (
    <div className={className}>
      <Label htmlFor={props.id}>{label}</Label>
      <input
        key={control.key}
        className={inputClass}
        {...props}
        defaultValue={input.type === "password" ? undefined : defaultValue}
        {...ariaOf(props.id, errorId, control.errors, Boolean(hint))}
        {...input}
      />
      {hint ? (
        <p id={`${props.id}-hint`} className="mt-1 text-xs text-slate-500">
          {hint}
        </p>
      ) : null}
      <FieldError id={errorId} errors={control.errors} />
    </div>
  );
}

export function SelectField({
  meta,
  label,
  hint,
  className,
  children,
  ...select
}: FieldProps & Omit<SelectHTMLAttributes<HTMLSelectElement>, "name" | "form">) {
  const control = controlOf(meta);
  const { errorId, defaultValue, ...props } = control.props;
  return (
    <div className={className}>
      <Label htmlFor={props.id}>{label}</Label>
      <select
        key={control.key}
        className={inputClass}
        {...props}
        defaultValue={defaultValue}
        {...ariaOf(props.id, errorId, control.errors, Boolean(hint))}
        {...select}
      >
        {children}
      </select>
      {hint ? (
        <p id={`${props.id}-hint`} className="mt-1 text-xs text-slate-500">
          {hint}
        </p>
      ) : null}
      <FieldError id={errorId} errors={control.errors} />
    </div>
  );
}

export function TextareaField({ meta, label, className, ...area }: FieldProps & Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, "name" | "form">) {
  const control = controlOf(meta);
  const { errorId, defaultValue, ...props } = control.props;
  return (
    <div className={className}>
      <Label htmlFor={props.id}>{label}</Label>
      <textarea
        key={control.key}
        className={inputClass}
        rows={3}
        {...props}
        defaultValue={defaultValue}
        {...ariaOf(props.id, errorId, control.errors, false)}
        {...area}
      />
      <FieldError id={errorId} errors={control.errors} />
    </div>
  );
}

/** A checkbox sends "on" when ticked and nothing otherwise; `meta` gives its submitted state back. */
export function Checkbox({ meta, name, label, defaultChecked }: { meta?: FieldMeta; name?: string; label: string; defaultChecked?: boolean }) {
  return (
    <label className="flex items-center gap-2 text-sm text-slate-700">
      <input
        key={meta?.key}
        type="checkbox"
        id={meta?.id}
        name={meta?.name ?? name}
        form={meta?.formId}
        defaultChecked={meta ? meta.initialValue === "on" : defaultChecked}
        className="h-4 w-4 rounded border-slate-300"
      />
      {label}
    </label>
  );
}

export function FormMessage({ error, success }: { error?: MessageKey | null; success?: string | null }) {
  const { t } = useI18n();
  if (error)
    return (
      <p className="rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800" role="alert">
        {t(error)}
      </p>
    );
  if (success)
    return (
      <p className="rounded-md border border-green-200 bg-green-50 p-3 text-sm text-green-800" role="status">
        {success}
      </p>
    );
  return null;
}

type ReplyErrors = { error?: Record<string, readonly string[] | null> } | null | undefined;

/**
 * The errors of a reply that no field shows: the whole form's and an unknown `intent`'s, and when the
 * page says which fields show their own (`placed`), those of every other field (a hidden input).
 */
export function formErrorsOf(result: ReplyErrors, placed?: readonly string[]): MessageKey[] {
  const errors = Object.entries(result?.error ?? {});
  const shown = placed ? errors.filter(([name]) => !placed.includes(name)) : errors.filter(([name]) => name === "" || name === "intent");
  return keysOf(shown.flatMap(([, messages]) => messages ?? []));
}

/**
 * The message at the top of a form: the errors above, else with `summary` "fix the fields below"
 * when a field has one.
 */
export function FormErrors({ result, summary = false, placed }: { result: ReplyErrors; summary?: boolean; placed?: readonly string[] }) {
  const { t } = useI18n();
  const keys = formErrorsOf(result, placed);
  const fieldError = Object.entries(result?.error ?? {}).some(([name, errors]) => name !== "" && name !== "intent" && errors?.length);
  if (!keys.length && !(summary && fieldError)) return null;
  return (
    <div className="rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800" role="alert">
      {keys.length ? keys.map((key) => <p key={key}>{t(key)}</p>) : <p>{t("common.fixErrors")}</p>}
    </div>
  );
}

/** "Too many attempts, try again in N minutes", for a form a rate limit refused (429: `tooManyAttempts` in the action). */
export function RetryLater({ actionData }: { actionData: unknown }) {
  const { t } = useI18n();
  const minutes = (actionData as { retryMinutes?: unknown } | undefined)?.retryMinutes;
  if (typeof minutes !== "number") return null;
  return (
    <p className="rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800" role="alert">
      {t("errors.tooManyAttempts", { minutes })}
    </p>
  );
}
