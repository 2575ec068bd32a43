import type { ReactElement } from "react";
import { PasswordResetNotice, SignupConfirmEmail, SignupExistingEmail } from "./account";
import { CustomerSpaceInvitationEmail, CustomerSpaceResetEmail } from "./customer-space";
import { NoticeEmail } from "./notice";
import { renderEmail } from "./render";

/**
 * Templates whose props are plain data, so an email can be queued as (template, props) and rendered
 * later by the worker that delivers it: rendering (milliseconds) then happens outside the transaction
 * that queued the email, which holds the database's write lock.
 */
const templates = {
  notice: NoticeEmail,
  passwordReset: PasswordResetNotice,
  signupConfirm: SignupConfirmEmail,
  signupExisting: SignupExistingEmail,
  customerSpaceInvitation: CustomerSpaceInvitationEmail,
  customerSpaceReset: CustomerSpaceResetEmail,
};

export type StoredTemplate = { [K in keyof typeof templates]: { name: K; props: Parameters<(typeof templates)[K]>[0] } }[keyof typeof templates];

export function renderStoredTemplate(json: string) {
  const template = JSON.parse(json) as StoredTemplate;
  const component = templates[template.name] as ((props: StoredTemplate["props"]) => ReactElement) | undefined;
  if (!component) throw new Error(`unknown email template ${String(template.name)}`);
  return renderEmail(component(template.props));
}
