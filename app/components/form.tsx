import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes, TextareaHTMLAttributes } from "react";
import { useRouteLoaderData } from "react-router";
import type { FieldErrors } from "~/domain/validation";
import type { MessageKey } from "~/i18n";
import { useI18n } from "~/i18n/react";

/** Every mutating form carries this; the server refuses forms without it. */
export function CsrfInput() {
  const root = useRouteLoaderData("root") as { csrfToken: string } | undefined;
  return <input type="hidden" name="csrf" value={root?.csrfToken ?? ""} />;
}

export const inputClass =
  "block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:border-blue-600 focus:outline-none focus:ring-2 focus:ring-blue-600/20 aria-[invalid=true]:border-red-600";
export const buttonClass =
  "inline-flex items-center justify-center rounded-md bg-blue-700 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-blue-800 focus:outline-none focus:ring-2 focus:ring-blue-600/40 disabled:opacity-50";
export const secondaryButtonClass =
  "inline-flex items-center justify-center rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-medium text-slate-800 hover:bg-slate-50";
export const dangerButtonClass =
  "inline-flex items-center justify-center rounded-md border border-red-300 bg-white px-4 py-2 text-sm font-medium text-red-700 hover:bg-red-50";

export function FieldError({ id, error }: { id: string; error?: MessageKey }) {
  const { t } = useI18n();
  if (!error) return null;
  return (
    <p id={`${id}-error`} className="mt-1 text-sm text-red-700" role="alert">
      {t(error)}
    </p>
  );
}

type FieldProps = {
  name: string;
  label: string;
  errors?: FieldErrors;
  hint?: ReactNode;
  className?: string;
};

export function Field({ name, label, errors, hint, className, ...input }: FieldProps & InputHTMLAttributes<HTMLInputElement>) {
  const error = errors?.[name];
  return (
    <div className={className}>
      <label htmlFor={name} className="mb-1 block text-sm font-medium text-slate-700">
        {label}
      </label>
      <input
        id={name}
        name={name}
        className={inputClass}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${name}-error` : undefined}
        {...input}
      />
      {hint ? <p className="mt-1 text-xs text-slate-500">{hint}</p> : null}
      <FieldError id={name} error={error} />
    </div>
  );
}

export function SelectField({ name, label, errors, className, children, ...select }: FieldProps & SelectHTMLAttributes<HTMLSelectElement>) {
  const error = errors?.[name];
  return (
    <div className={className}>
      <label htmlFor={name} className="mb-1 block text-sm font-medium text-slate-700">
        {label}
      </label>
      <select
        id={name}
        name={name}
        className={inputClass}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${name}-error` : undefined}
        {...select}
      >
        {children}
      </select>
      <FieldError id={name} error={error} />
    </div>
  );
}

export function TextareaField({ name, label, errors, className, ...area }: FieldProps & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const error = errors?.[name];
  return (
    <div className={className}>
      <label htmlFor={name} className="mb-1 block text-sm font-medium text-slate-700">
        {label}
      </label>
      <textarea id={name} name={name} className={inputClass} rows={3} aria-invalid={error ? true : undefined} {...area} />
      <FieldError id={name} error={error} />
    </div>
  );
}

export function Checkbox({ name, label, defaultChecked }: { name: string; label: string; defaultChecked?: boolean }) {
  return (
    <label className="flex items-center gap-2 text-sm text-slate-700">
      <input type="checkbox" name={name} defaultChecked={defaultChecked} className="h-4 w-4 rounded border-slate-300" />
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
