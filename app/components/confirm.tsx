import { useEffect, useRef, type FormEventHandler, type ReactNode } from "react";
import { Form, Link } from "react-router";
import { CsrfInput, dangerButtonClass, secondaryButtonClass } from "./form";

const confirmButtonClass =
  "inline-flex items-center justify-center rounded-md bg-red-700 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-red-800 focus:outline-none focus:ring-2 focus:ring-red-600/40";

/** The id the confirmation step scrolls to (`?confirm=…#confirm`), with or without JavaScript. */
export const CONFIRM_ANCHOR = "confirm";

/** The address of a page's confirmation step for `action` (extra parameters name what it applies to). */
export function confirmHref(path: string, action: string, extra: Record<string, string> = {}) {
  return `${path}?${new URLSearchParams({ confirm: action, ...extra })}#${CONFIRM_ANCHOR}`;
}

/** The link that opens a destructive action's confirmation step (a plain link: it works without JavaScript). */
export function ConfirmLink({ to, children }: { to: string; children: ReactNode }) {
  return (
    <Link to={to} className={dangerButtonClass} preventScrollReset>
      {children}
    </Link>
  );
}

/**
 * A destructive action's confirmation step: what will happen, then the action's own form (its `intent`,
 * `confirmed=yes`, and any fields it needs) and a way back. The server refuses the action without
 * `confirmed=yes`, so nothing is done by a single click, with or without JavaScript.
 */
export function ConfirmStep({
  title,
  children,
  intent,
  hidden = {},
  confirmLabel,
  cancelLabel,
  cancelTo,
  form,
}: {
  title: string;
  children: ReactNode;
  intent: string;
  hidden?: Record<string, string>;
  confirmLabel: string;
  cancelLabel: string;
  cancelTo: string;
  form?: { id: string; onSubmit: FormEventHandler<HTMLFormElement> };
}) {
  const heading = useRef<HTMLHeadingElement>(null);
  // Opened by a click (client-side navigation): the step is where the reader's attention goes next.
  useEffect(() => heading.current?.focus(), []);
  return (
    <section
      id={CONFIRM_ANCHOR}
      aria-labelledby="confirm-title"
      className="space-y-3 rounded-lg border-2 border-red-300 bg-red-50 p-5 text-sm text-slate-800"
      data-testid="confirm-step"
    >
      <h2 id="confirm-title" ref={heading} tabIndex={-1} className="text-lg font-semibold text-red-900 focus:outline-none">
        {title}
      </h2>
      <Form method="post" className="space-y-3" id={form?.id} onSubmit={form?.onSubmit} noValidate>
        <CsrfInput />
        <input type="hidden" name="confirmed" value="yes" />
        {Object.entries(hidden).map(([name, value]) => (
          <input key={name} type="hidden" name={name} value={value} />
        ))}
        {children}
        <div className="flex flex-wrap items-center gap-3 pt-1">
          <button name="intent" value={intent} className={confirmButtonClass}>
            {confirmLabel}
          </button>
          <Link to={cancelTo} className={secondaryButtonClass} preventScrollReset>
            {cancelLabel}
          </Link>
        </div>
      </Form>
    </section>
  );
}
