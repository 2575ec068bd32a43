import { http, HttpResponse } from "msw";
import { authorisedAccount, gcError } from "./gocardless";
import { recordCall, sandboxId, sandboxState } from "./state";
import { advanceSandboxPayment, scheduleSandboxRefund } from "./webhooks";

const API = "https://api-sandbox.gocardless.com";

export interface SandboxBillingRequest {
  id: string;
  status: "pending" | "ready_to_fulfil" | "fulfilled" | "cancelled";
  organisation: string;
  mandate_request: { currency: string; scheme: string; links?: { mandate?: string } };
  metadata: Record<string, string>;
  links: { customer?: string; mandate_request_mandate?: string };
  created_at: string;
}
export interface SandboxFlow {
  id: string;
  billing_request: string;
  redirect_uri: string;
  exit_uri: string;
  authorisation_url: string;
  expires_at: string;
  prefilled_customer: Record<string, string>;
  language: string | null;
}
export interface SandboxMandate {
  id: string;
  organisation: string;
  status: string;
  scheme: string;
  reference: string;
  created_at: string;
  next_possible_charge_date: string;
}
export interface SandboxPayment {
  id: string;
  organisation: string;
  amount: number;
  currency: string;
  status: string;
  charge_date: string;
  description: string;
  metadata: Record<string, string>;
  links: { mandate: string; creditor: string; instalment_schedule?: string };
  created_at: string;
  /** What GoCardless counts as refunded on the payment (refunds' `total_amount_confirmation` is checked against it). */
  amount_refunded?: number;
}
export interface SandboxRefund {
  id: string;
  organisation: string;
  amount: number;
  currency: string;
  status: "created" | "pending_submission" | "submitted" | "paid" | "cancelled" | "bounced" | "funds_returned";
  reference: string | null;
  metadata: Record<string, string>;
  links: { payment: string; mandate: string };
  created_at: string;
}

export interface SandboxInstalmentSchedule {
  id: string;
  organisation: string;
  name: string;
  currency: string;
  total_amount: number;
  status: "pending" | "active" | "creation_failed" | "completed" | "cancelled" | "errored";
  metadata: Record<string, string>;
  links: { mandate: string; customer: string; payments: string[] };
  created_at: string;
}

const table = <T>(name: string) => sandboxState().store.collection<T>(name);
export const gcInstalmentSchedules = () => table<SandboxInstalmentSchedule>("gcInstalmentSchedules");
export const gcBillingRequests = () => table<SandboxBillingRequest>("gcBillingRequests");
export const gcFlows = () => table<SandboxFlow>("gcFlows");
export const gcMandates = () => table<SandboxMandate>("gcMandates");
export const gcPayments = () => table<SandboxPayment>("gcPayments");
export const gcRefunds = () => table<SandboxRefund>("gcRefunds");
const gcIdempotency = () => table<{ id: string }>("gcIdempotency");

/** GoCardless answers a reused idempotency key with a 409 naming the resource the first call created. */
function conflict(key: string | null) {
  const previous = key ? gcIdempotency().get(key) : undefined;
  if (!previous) return null;
  return gcError(409, "invalid_state", "A resource has already been created with this idempotency key", [
    {
      reason: "idempotent_creation_conflict",
      message: "A resource has already been created with this idempotency key",
      links: { conflicting_resource_id: previous.id },
    } as never,
  ]);
}

const isoDate = (offsetDays: number) => new Date(Date.now() + offsetDays * 86400_000).toISOString().slice(0, 10);

/**
 * An instalment schedule with explicit dates, like GoCardless: the amounts must add up to `total_amount`,
 * a charge date before the mandate's next possible one is moved to it, and every payment is created at once
 * (`links.payments`), each linked to the schedule. SDK 10.1.2 posts to `/instalment_schedules/create_with_dates`;
 * GoCardless's reference documents `POST /instalment_schedules`: both are served.
 */
async function createInstalmentSchedule({ request }: { request: Request }) {
  const account = authorisedAccount(request);
  if (!account) return gcError(401, "invalid_api_usage", "Invalid token");
  const key = request.headers.get("idempotency-key");
  const replay = conflict(key);
  if (replay) return replay;
  type Body = {
    name?: string;
    currency?: string;
    total_amount?: number;
    instalments?: { amount: number; charge_date: string | null; description?: string }[];
    links?: { mandate?: string };
    metadata?: Record<string, string>;
  };
  const body = ((await request.json()) as { instalment_schedules?: Body }).instalment_schedules ?? {};
  recordCall({ method: "POST", url: request.url, body: JSON.stringify(body), headers: { "idempotency-key": key ?? "" } });
  const mandate = gcMandates().get(body.links?.mandate ?? "");
  if (!mandate || mandate.organisation !== account.accountId)
    return gcError(422, "validation_failed", "Validation failed", [{ field: "links.mandate", message: "is invalid" }]);
  if (["cancelled", "failed", "expired", "consumed", "blocked"].includes(mandate.status))
    return gcError(422, "invalid_state", "Mandate is not usable", [{ reason: "mandate_is_inactive", message: "The mandate is not active" }]);
  const instalments = Array.isArray(body.instalments) ? body.instalments : [];
  if (!body.name || !body.currency || !instalments.length || !Number.isInteger(body.total_amount))
    return gcError(422, "validation_failed", "Validation failed", [
      { field: "instalments", message: "name, currency, total_amount and instalments are required" },
    ]);
  if (instalments.some((i) => !Number.isInteger(i.amount) || i.amount <= 0))
    return gcError(422, "validation_failed", "Validation failed", [{ field: "instalments", message: "amounts must be greater than 0" }]);
  if (instalments.reduce((sum, i) => sum + i.amount, 0) !== body.total_amount)
    return gcError(422, "validation_failed", "Validation failed", [{ field: "total_amount", message: "must equal the sum of the instalment amounts" }]);
  const id = sandboxId("IS", 12);
  const payments = instalments.map((i) => {
    const chargeDate = !i.charge_date || i.charge_date < mandate.next_possible_charge_date ? mandate.next_possible_charge_date : i.charge_date;
    const payment: SandboxPayment = {
      id: sandboxId("PM", 12),
      organisation: account.accountId,
      amount: i.amount,
      currency: body.currency!,
      status: "pending_submission",
      charge_date: chargeDate,
      description: i.description ?? body.name!,
      metadata: {},
      links: { mandate: mandate.id, creditor: sandboxId("CR"), instalment_schedule: id },
      created_at: new Date().toISOString(),
      amount_refunded: 0,
    };
    gcPayments().set(payment.id, payment);
    return payment.id;
  });
  const schedule: SandboxInstalmentSchedule = {
    id,
    organisation: account.accountId,
    name: body.name,
    currency: body.currency,
    total_amount: body.total_amount!,
    status: "active",
    metadata: body.metadata ?? {},
    links: { mandate: mandate.id, customer: sandboxId("CU"), payments },
    created_at: new Date().toISOString(),
  };
  gcInstalmentSchedules().set(id, schedule);
  if (key) gcIdempotency().set(key, { id });
  return HttpResponse.json({ instalment_schedules: scheduleBody(schedule) }, { status: 201 });
}

function scheduleBody({ organisation: _organisation, ...schedule }: SandboxInstalmentSchedule) {
  return { ...schedule, payment_errors: {} };
}

export const gocardlessPaymentHandlers = [
  http.post(`${API}/instalment_schedules/create_with_dates`, createInstalmentSchedule),
  http.post(`${API}/instalment_schedules`, createInstalmentSchedule),
  http.get(`${API}/instalment_schedules/:id`, ({ request, params }) => {
    const account = authorisedAccount(request);
    const schedule = gcInstalmentSchedules().get(String(params.id));
    if (!account) return gcError(401, "invalid_api_usage", "Invalid token");
    if (!schedule || schedule.organisation !== account.accountId) return gcError(404, "invalid_api_usage", "Resource not found");
    return HttpResponse.json({ instalment_schedules: scheduleBody(schedule) });
  }),

  http.post(`${API}/billing_requests`, async ({ request }) => {
    const account = authorisedAccount(request);
    if (!account) return gcError(401, "invalid_api_usage", "Invalid token");
    const key = request.headers.get("idempotency-key");
    const replay = conflict(key);
    if (replay) return replay;
    const body = ((await request.json()) as { billing_requests?: Record<string, any> }).billing_requests ?? {};
    recordCall({ method: "POST", url: request.url, body: JSON.stringify(body), headers: { "idempotency-key": key ?? "" } });
    const mandate = body.mandate_request;
    if (!mandate?.currency) return gcError(422, "validation_failed", "Validation failed", [{ field: "mandate_request.currency", message: "is required" }]);
    const billingRequest: SandboxBillingRequest = {
      id: sandboxId("BRQ", 10),
      status: "pending",
      organisation: account.accountId,
      mandate_request: { currency: mandate.currency, scheme: mandate.scheme ?? "sepa_core" },
      metadata: body.metadata ?? {},
      links: {},
      created_at: new Date().toISOString(),
    };
    gcBillingRequests().set(billingRequest.id, billingRequest);
    if (key) gcIdempotency().set(key, { id: billingRequest.id });
    return HttpResponse.json({ billing_requests: billingRequest }, { status: 201 });
  }),

  http.get(`${API}/billing_requests/:id`, ({ request, params }) => {
    const account = authorisedAccount(request);
    const found = gcBillingRequests().get(String(params.id));
    if (!account) return gcError(401, "invalid_api_usage", "Invalid token");
    if (!found || found.organisation !== account.accountId)
      return gcError(404, "invalid_api_usage", "Resource not found", [{ reason: "resource_not_found", message: "Resource not found" }]);
    return HttpResponse.json({ billing_requests: found });
  }),

  http.post(`${API}/billing_request_flows`, async ({ request }) => {
    const account = authorisedAccount(request);
    if (!account) return gcError(401, "invalid_api_usage", "Invalid token");
    const body = ((await request.json()) as { billing_request_flows?: Record<string, any> }).billing_request_flows ?? {};
    const billingRequest = gcBillingRequests().get(body.links?.billing_request ?? "");
    if (!billingRequest || billingRequest.organisation !== account.accountId)
      return gcError(422, "validation_failed", "Validation failed", [{ field: "links.billing_request", message: "is invalid" }]);
    const { publicUrl } = sandboxState().settings;
    const id = sandboxId("BRF", 10);
    const flow: SandboxFlow = {
      id,
      billing_request: billingRequest.id,
      redirect_uri: body.redirect_uri,
      exit_uri: body.exit_uri,
      authorisation_url: `${publicUrl}/pages/gocardless/flow/${id}`,
      expires_at: new Date(Date.now() + 7 * 86400_000).toISOString(),
      prefilled_customer: body.prefilled_customer ?? {},
      language: body.language ?? null,
    };
    gcFlows().set(id, flow);
    return HttpResponse.json({ billing_request_flows: { ...flow, links: { billing_request: billingRequest.id } } }, { status: 201 });
  }),

  http.get(`${API}/mandates/:id`, ({ request, params }) => {
    const account = authorisedAccount(request);
    const mandate = gcMandates().get(String(params.id));
    if (!account) return gcError(401, "invalid_api_usage", "Invalid token");
    if (!mandate || mandate.organisation !== account.accountId) return gcError(404, "invalid_api_usage", "Resource not found");
    return HttpResponse.json({ mandates: mandate });
  }),

  /** Like GoCardless: a cancelled (or failed, expired) mandate cannot be cancelled again. */
  http.post(`${API}/mandates/:id/actions/cancel`, ({ request, params }) => {
    const account = authorisedAccount(request);
    const mandate = gcMandates().get(String(params.id));
    if (!account) return gcError(401, "invalid_api_usage", "Invalid token");
    if (!mandate || mandate.organisation !== account.accountId) return gcError(404, "invalid_api_usage", "Resource not found");
    recordCall({ method: "POST", url: request.url, body: "", headers: {} });
    if (["cancelled", "failed", "expired", "consumed", "blocked"].includes(mandate.status))
      return gcError(422, "invalid_state", "Mandate is not active", [
        { reason: "mandate_already_cancelled", message: "The mandate has already been cancelled" },
      ]);
    const cancelled = { ...mandate, status: "cancelled" };
    gcMandates().set(mandate.id, cancelled);
    return HttpResponse.json({ mandates: cancelled });
  }),

  /** A mandate's PDF: a URL that expires 10 minutes later (the sandbox's pages serve a small PDF there). */
  http.post(`${API}/mandate_pdfs`, async ({ request }) => {
    const account = authorisedAccount(request);
    if (!account) return gcError(401, "invalid_api_usage", "Invalid token");
    const body = ((await request.json()) as { mandate_pdfs?: { links?: { mandate?: string } } }).mandate_pdfs ?? {};
    const mandate = gcMandates().get(body.links?.mandate ?? "");
    if (!mandate || mandate.organisation !== account.accountId)
      return gcError(422, "validation_failed", "Validation failed", [{ field: "links.mandate", message: "is invalid" }]);
    const { publicUrl } = sandboxState().settings;
    return HttpResponse.json(
      { mandate_pdfs: { url: `${publicUrl}/pages/gocardless/mandate-pdf/${mandate.id}`, expires_at: new Date(Date.now() + 10 * 60_000).toISOString() } },
      { status: 200 },
    );
  }),

  http.post(`${API}/payments`, async ({ request }) => {
    const account = authorisedAccount(request);
    if (!account) return gcError(401, "invalid_api_usage", "Invalid token");
    const key = request.headers.get("idempotency-key");
    const replay = conflict(key);
    if (replay) return replay;
    const body = ((await request.json()) as { payments?: Record<string, any> }).payments ?? {};
    recordCall({ method: "POST", url: request.url, body: JSON.stringify(body), headers: { "idempotency-key": key ?? "" } });
    const mandate = gcMandates().get(body.links?.mandate ?? "");
    if (!mandate || mandate.organisation !== account.accountId)
      return gcError(422, "validation_failed", "Validation failed", [{ field: "links.mandate", message: "is invalid" }]);
    if (mandate.status === "cancelled" || mandate.status === "failed")
      return gcError(422, "invalid_state", "Mandate is not usable", [{ reason: "mandate_is_inactive", message: "The mandate is not active" }]);
    if (!Number.isInteger(body.amount) || body.amount <= 0)
      return gcError(422, "validation_failed", "Validation failed", [{ field: "amount", message: "must be greater than 0" }]);
    const payment: SandboxPayment = {
      id: sandboxId("PM", 12),
      organisation: account.accountId,
      amount: body.amount,
      currency: body.currency,
      status: "pending_submission",
      charge_date: body.charge_date ?? mandate.next_possible_charge_date,
      description: body.description ?? "",
      metadata: body.metadata ?? {},
      links: { mandate: mandate.id, creditor: sandboxId("CR") },
      created_at: new Date().toISOString(),
      amount_refunded: 0,
    };
    gcPayments().set(payment.id, payment);
    if (key) gcIdempotency().set(key, { id: payment.id });
    advanceSandboxPayment(payment.id);
    return HttpResponse.json({ payments: payment }, { status: 201 });
  }),

  http.get(`${API}/payments/:id`, ({ request, params }) => {
    const account = authorisedAccount(request);
    const payment = gcPayments().get(String(params.id));
    if (!account) return gcError(401, "invalid_api_usage", "Invalid token");
    if (!payment || payment.organisation !== account.accountId) return gcError(404, "invalid_api_usage", "Resource not found");
    return HttpResponse.json({ payments: { amount_refunded: 0, ...payment } });
  }),

  /**
   * A refund of a collected payment. Like GoCardless: only a confirmed or paid-out payment, at most five
   * refunds per payment, never more than was collected, and `total_amount_confirmation` must equal what
   * the payment has had refunded plus this amount (the guard against two processes refunding unawares).
   */
  http.post(`${API}/refunds`, async ({ request }) => {
    const account = authorisedAccount(request);
    if (!account) return gcError(401, "invalid_api_usage", "Invalid token");
    const key = request.headers.get("idempotency-key");
    const replay = conflict(key);
    if (replay) return replay;
    type RefundBody = {
      amount?: number;
      total_amount_confirmation?: number;
      reference?: string;
      metadata?: Record<string, string>;
      links?: { payment?: string };
    };
    const body = ((await request.json()) as { refunds?: RefundBody }).refunds ?? {};
    recordCall({ method: "POST", url: request.url, body: JSON.stringify(body), headers: { "idempotency-key": key ?? "" } });
    const payment = gcPayments().get(body.links?.payment ?? "");
    if (!payment || payment.organisation !== account.accountId)
      return gcError(422, "validation_failed", "Validation failed", [{ field: "links.payment", message: "is invalid" }]);
    const amount = body.amount;
    if (amount === undefined || !Number.isInteger(amount) || amount <= 0)
      return gcError(422, "validation_failed", "Validation failed", [{ field: "amount", message: "must be greater than 0" }]);
    if (payment.status !== "confirmed" && payment.status !== "paid_out")
      return gcError(422, "invalid_state", "The payment cannot be refunded", [
        { reason: "refund_payment_invalid_state", message: "The linked payment must be confirmed or paid out" },
      ]);
    const refunded = payment.amount_refunded ?? 0;
    if (
      gcRefunds()
        .values()
        .filter((r) => r.links.payment === payment.id).length >= 5
    )
      return gcError(422, "invalid_state", "Too many refunds", [{ reason: "number_of_refunds_exceeded", message: "Five refunds have already been created" }]);
    if (body.total_amount_confirmation !== refunded + amount)
      return gcError(422, "invalid_state", "Total amount confirmation invalid", [
        { reason: "total_amount_confirmation_invalid", message: "The total amount confirmation given did not equal the actual total amount" },
      ]);
    if (refunded + amount > payment.amount)
      return gcError(422, "validation_failed", "Validation failed", [{ field: "amount", message: "exceeds the amount that can be refunded" }]);
    const refund: SandboxRefund = {
      id: sandboxId("RF", 12),
      organisation: account.accountId,
      amount,
      currency: payment.currency,
      status: "created",
      reference: body.reference ?? null,
      metadata: body.metadata ?? {},
      links: { payment: payment.id, mandate: payment.links.mandate },
      created_at: new Date().toISOString(),
    };
    gcRefunds().set(refund.id, refund);
    gcPayments().set(payment.id, { ...payment, amount_refunded: refunded + refund.amount });
    if (key) gcIdempotency().set(key, { id: refund.id });
    scheduleSandboxRefund("gocardless", refund.id);
    return HttpResponse.json({ refunds: refundBody(refund) }, { status: 201 });
  }),

  http.get(`${API}/refunds/:id`, ({ request, params }) => {
    const account = authorisedAccount(request);
    const refund = gcRefunds().get(String(params.id));
    if (!account) return gcError(401, "invalid_api_usage", "Invalid token");
    if (!refund || refund.organisation !== account.accountId) return gcError(404, "invalid_api_usage", "Resource not found");
    return HttpResponse.json({ refunds: refundBody(refund) });
  }),

  http.get(`${API}/refunds`, ({ request }) => {
    const account = authorisedAccount(request);
    if (!account) return gcError(401, "invalid_api_usage", "Invalid token");
    const query = new URL(request.url).searchParams;
    const refunds = gcRefunds()
      .values()
      .filter((r) => r.organisation === account.accountId)
      .filter((r) => !query.get("payment") || r.links.payment === query.get("payment"))
      .filter((r) => !query.get("mandate") || r.links.mandate === query.get("mandate"));
    const limit = Math.min(500, Number(query.get("limit")) || 50);
    return HttpResponse.json({ refunds: refunds.slice(0, limit).map(refundBody), meta: { cursors: { before: null, after: null }, limit } });
  }),
];

/** A refund as the API shows it (the account it belongs to is ours to know, not part of the resource). */
function refundBody({ organisation: _organisation, ...refund }: SandboxRefund) {
  return { ...refund, fx: { fx_currency: refund.currency, fx_amount: null, exchange_rate: null, estimated_exchange_rate: null } };
}

/** What the sandbox's hosted flow page does when the payer confirms: the mandate exists and the request is fulfilled. */
export function fulfilBillingRequest(flowId: string) {
  const flow = gcFlows().get(flowId);
  const billingRequest = flow ? gcBillingRequests().get(flow.billing_request) : undefined;
  if (!flow || !billingRequest) return null;
  if (!billingRequest.links.mandate_request_mandate) {
    const mandate: SandboxMandate = {
      id: sandboxId("MD", 12),
      organisation: billingRequest.organisation,
      status: "pending_submission",
      scheme: billingRequest.mandate_request.scheme,
      reference: `SBX-${sandboxId("", 8)}`,
      created_at: new Date().toISOString(),
      next_possible_charge_date: isoDate(3),
    };
    gcMandates().set(mandate.id, mandate);
    billingRequest.links.mandate_request_mandate = mandate.id;
    billingRequest.status = "fulfilled";
    gcBillingRequests().set(billingRequest.id, billingRequest);
  }
  return { flow, billingRequest, mandateId: billingRequest.links.mandate_request_mandate! };
}
