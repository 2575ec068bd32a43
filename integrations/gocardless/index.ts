import { Environments, gocardless, parse as parseGoCardlessWebhook, type GoCardlessClient } from "gocardless-nodejs";
import type { ProviderSettings } from "../settings";
import { SandboxRedirectAgent } from "./sandbox-agent";
import {
  type MandateCharge,
  type MandateProvider,
  type ProviderMandate,
  type ProviderAccount,
  type ProviderEvent,
  type ProviderPayment,
  type ProviderRefund,
  type RefundRequest,
  type InstalmentScheduleRequest,
  ProviderError,
  isProviderError,
  withTimeout,
  type AuthorizeOptions,
  type Checkout,
  type CheckoutRequest,
  type ConnectedAccount,
  type NormalisedEvent,
  type PaymentProvider,
  type WebhookParseResult,
} from "../types";

/** Direct debit schemes by currency (SEPA Core for euros, Bacs for pounds, …). */
export const GOCARDLESS_SCHEMES: Record<string, string> = { EUR: "sepa_core", GBP: "bacs", SEK: "autogiro", DKK: "betalingsservice", CAD: "pad", USD: "ach" };

const TIMEOUT_MS = 10_000;
/** Listing a month of events can take several pages. */
const LIST_TIMEOUT_MS = 60_000;

/** The partner OAuth host (not covered by the SDK, which only speaks to the API). */
export function gocardlessConnectBase(environment: "sandbox" | "live") {
  return environment === "live" ? "https://connect.gocardless.com" : "https://connect-sandbox.gocardless.com";
}

export class GoCardlessProvider implements PaymentProvider, MandateProvider {
  readonly id = "gocardless" as const;
  readonly methods = ["direct_debit"] as const;
  readonly sandbox: boolean;
  private readonly settings: ProviderSettings["gocardless"];
  /** Where our own OAuth calls go (the SDK does not cover them). */
  private readonly connectBase: string;
  private readonly sandboxAgent: SandboxRedirectAgent | undefined;

  constructor(private readonly all: ProviderSettings) {
    this.settings = all.gocardless;
    this.sandbox = this.settings.sandbox;
    const sandboxUrl = this.sandbox ? all.sandboxUrl : null;
    this.sandboxAgent = sandboxUrl ? new SandboxRedirectAgent(new URL(sandboxUrl)) : undefined;
    this.connectBase = sandboxUrl ? `${sandboxUrl}/gocardless-connect` : gocardlessConnectBase(this.settings.environment);
  }

  client(accessToken: string): GoCardlessClient {
    // Idempotency conflicts are raised, not followed: we fetch the existing resource ourselves.
    return gocardless(accessToken, this.settings.environment === "live" ? Environments.Live : Environments.Sandbox, {
      raiseOnIdempotencyConflict: true,
      ...(this.sandboxAgent ? { proxy: { https: this.sandboxAgent } as never } : {}),
    });
  }

  supportsCurrency(currency: string): boolean {
    return currency in GOCARDLESS_SCHEMES;
  }

  /**
   * A Billing Request for a direct-debit mandate, and its hosted flow. The payment itself is created
   * against the mandate once the payer has completed the flow (see collectOnMandate).
   */
  async createCheckout(request: CheckoutRequest): Promise<Checkout> {
    const client = this.client(request.accessToken);
    try {
      const billingRequest = await this.createOrFetch(
        () =>
          client.billingRequests.create(
            { mandate_request: { currency: request.currency, scheme: GOCARDLESS_SCHEMES[request.currency] }, metadata: request.metadata } as never,
            `${request.idempotencyKey}-brq`,
          ),
        (id) => client.billingRequests.find(id),
      );
      const [givenName, ...family] = request.customer.name.split(" ");
      const flow = await this.createOrFetch(
        () =>
          client.billingRequestFlows.create(
            {
              redirect_uri: request.returnUrl,
              exit_uri: request.cancelUrl,
              links: { billing_request: billingRequest.id },
              language: request.customer.locale,
              prefilled_customer: { email: request.customer.email || undefined, given_name: givenName, family_name: family.join(" ") || undefined },
            } as never,
            `${request.idempotencyKey}-brf`,
          ),
        null,
      );
      if (!flow.authorisation_url) throw new ProviderError("gocardless", "rejected", "flow without an authorisation URL");
      return { ref: billingRequest.id!, url: flow.authorisation_url, expiresAt: new Date(flow.expires_at ?? Date.now() + 7 * 86400_000) };
    } catch (error) {
      throw toGoCardlessError(error);
    }
  }

  parseWebhook(rawBody: string, headers: Headers): WebhookParseResult {
    const signature = headers.get("webhook-signature");
    // GoCardless expects 498 Token Invalid for a bad signature. The SDK throws a TypeError on a missing header.
    if (!signature || !/^[0-9a-f]{64}$/i.test(signature)) return { ok: false, status: 498, reason: "missing or malformed Webhook-Signature" };
    let events: GoCardlessEvent[];
    try {
      events = parseGoCardlessWebhook(rawBody, this.settings.webhookSecret, signature) as unknown as GoCardlessEvent[];
    } catch (error) {
      if ((error as { name?: string }).name === "InvalidSignatureError") return { ok: false, status: 498, reason: "invalid signature" };
      return { ok: false, status: 400, reason: "malformed body" };
    }
    if (!Array.isArray(events) || events.some((e) => typeof e?.id !== "string" || typeof e.resource_type !== "string")) {
      return { ok: false, status: 400, reason: "malformed events" };
    }
    return {
      ok: true,
      events: events.map((e) => ({
        id: e.id,
        type: `${e.resource_type}.${e.action}`,
        accountId: e.links?.organisation ?? "",
        livemode: null,
        createdAt: e.created_at ?? new Date().toISOString(),
        event: normaliseGoCardlessEvent(e),
      })),
    };
  }

  /** Events since `since` (`GET /events?created_at[gt]=…`, every page): the same events the webhooks carry. */
  async listEventsSince(account: ProviderAccount, since: Date): Promise<ProviderEvent[]> {
    const list = async () => {
      const events: ProviderEvent[] = [];
      for await (const e of this.client(account.accessToken).events.all({ created_at: { gt: since.toISOString() }, limit: 500 })) {
        const event = e as unknown as GoCardlessEvent;
        events.push({
          id: event.id,
          type: `${event.resource_type}.${event.action}`,
          // Events read with the merchant's token may not name the organisation: it is this account.
          accountId: event.links?.organisation ?? account.accountId,
          livemode: null,
          createdAt: event.created_at ?? new Date().toISOString(),
          event: normaliseGoCardlessEvent(event),
        });
      }
      return events;
    };
    try {
      return await withTimeout("gocardless", LIST_TIMEOUT_MS, list());
    } catch (error) {
      throw toGoCardlessError(error);
    }
  }

  /** A payment's amount and metadata: GoCardless events name only the payment. */
  async fetchPayment(account: ProviderAccount, paymentId: string): Promise<ProviderPayment> {
    const payment = await withTimeout("gocardless", TIMEOUT_MS, this.client(account.accessToken).payments.find(paymentId));
    const metadata = (payment.metadata ?? {}) as Record<string, string>;
    return {
      amountMinor: Number(payment.amount),
      currency: payment.currency as string,
      invoiceId: metadata.invoice_id,
      customerId: metadata.customer_id,
      attemptId: metadata.attempt_id,
      mandateId: payment.links?.mandate ?? undefined,
      debitRequestId: metadata.debit_request_id,
      instalmentScheduleId: payment.links?.instalment_schedule ?? undefined,
      chargeDate: payment.charge_date ?? undefined,
    };
  }

  /**
   * `instalmentSchedules.createWithDates` (SDK 10.1.2: `POST /instalment_schedules/create_with_dates`): the
   * amounts must add up to `total_amount`; a charge date before the mandate's next possible one is moved to
   * it by GoCardless. All payments are created up front (`links.payments` once the schedule is active).
   */
  async createInstalmentSchedule(account: ProviderAccount, input: InstalmentScheduleRequest) {
    const client = this.client(account.accessToken);
    try {
      const schedule = await this.createOrFetch(
        () =>
          client.instalmentSchedules.createWithDates(
            {
              name: input.name.slice(0, 100),
              currency: input.currency as never,
              total_amount: input.totalMinor,
              instalments: input.instalments.map((i) => ({ amount: i.amountMinor, charge_date: i.chargeDate })),
              links: { mandate: input.mandateId },
              metadata: input.metadata,
            },
            input.idempotencyKey,
          ),
        (id) => client.instalmentSchedules.find(id),
      );
      return { scheduleId: schedule.id!, status: String(schedule.status ?? "pending"), paymentIds: schedule.links?.payments ?? [] };
    } catch (error) {
      throw toGoCardlessError(error);
    }
  }

  /** A refund's amount and payment: GoCardless events name only the refund. */
  async fetchRefund(account: ProviderAccount, refundId: string): Promise<ProviderRefund> {
    const refund = await withTimeout("gocardless", TIMEOUT_MS, this.client(account.accessToken).refunds.find(refundId)).catch((error) => {
      throw toGoCardlessError(error);
    });
    const status = String(refund.status);
    return {
      providerPaymentId: refund.links?.payment ?? "",
      amountMinor: Number(refund.amount),
      currency: String(refund.currency),
      status:
        status === "paid" ? "succeeded" : status === "cancelled" ? "canceled" : status === "bounced" || status === "funds_returned" ? "failed" : "pending",
    };
  }

  /**
   * GoCardless asks for `total_amount_confirmation`: what the payment will have had refunded with this
   * refund, checked against its own `amount_refunded` (the guard against two processes refunding
   * unawares). A retried call with the same idempotency key returns the refund the first one created.
   */
  async refund(account: ProviderAccount, input: RefundRequest): Promise<{ refundId: string }> {
    const client = this.client(account.accessToken);
    try {
      const payment = await withTimeout("gocardless", TIMEOUT_MS, client.payments.find(input.providerPaymentId));
      const refund = await this.createOrFetch(
        () =>
          client.refunds.create(
            {
              amount: input.amountMinor,
              total_amount_confirmation: Number(payment.amount_refunded ?? 0) + input.amountMinor,
              links: { payment: input.providerPaymentId },
            },
            input.idempotencyKey,
          ),
        (id) => client.refunds.find(id),
      );
      return { refundId: refund.id! };
    } catch (error) {
      throw toGoCardlessError(error);
    }
  }

  /** Charges an active mandate; the idempotency key makes a retried call return the same payment. */
  async collectOnMandate(account: ProviderAccount, input: MandateCharge) {
    const client = this.client(account.accessToken);
    try {
      const payment = await this.createOrFetch(
        () =>
          client.payments.create(
            {
              amount: input.amountMinor,
              currency: input.currency,
              links: { mandate: input.mandateId },
              description: input.description,
              metadata: input.metadata,
              ...(input.chargeDate ? { charge_date: input.chargeDate } : {}),
            } as never,
            input.idempotencyKey,
          ),
        (id) => client.payments.find(id),
      );
      return { providerPaymentId: payment.id! };
    } catch (error) {
      throw toGoCardlessError(error);
    }
  }

  async fetchMandate(account: ProviderAccount, mandateId: string): Promise<ProviderMandate> {
    try {
      const mandate = await withTimeout("gocardless", TIMEOUT_MS, this.client(account.accessToken).mandates.find(mandateId));
      return {
        status: String(mandate.status),
        reference: String(mandate.reference ?? ""),
        nextPossibleChargeDate: mandate.next_possible_charge_date ?? undefined,
      };
    } catch (error) {
      throw toGoCardlessError(error);
    }
  }

  /** `POST /mandates/:id/actions/cancel`; GoCardless refuses an already cancelled mandate (invalid_state): that is done already. */
  async cancelMandate(account: ProviderAccount, mandateId: string): Promise<void> {
    try {
      await withTimeout("gocardless", TIMEOUT_MS, this.client(account.accessToken).mandates.cancel(mandateId));
    } catch (error) {
      const reason = (error as { errors?: { reason?: string }[] }).errors?.[0]?.reason;
      if (reason === "mandate_already_cancelled" || reason === "cancellation_failed") {
        const mandate = await this.fetchMandate(account, mandateId);
        if (mandate.status === "cancelled") return;
      }
      throw toGoCardlessError(error);
    }
  }

  /** `POST /mandate_pdfs` for an existing mandate, in the customer's language (the URL lasts 10 minutes). */
  async mandatePdf(account: ProviderAccount, mandateId: string, locale: "fr" | "en") {
    try {
      const pdf = await withTimeout(
        "gocardless",
        TIMEOUT_MS,
        this.client(account.accessToken).mandatePdfs.create({ links: { mandate: mandateId } } as never, undefined, { "Accept-Language": locale }),
      );
      if (!pdf.url) throw new ProviderError("gocardless", "rejected", "mandate PDF without a URL");
      return { url: pdf.url, expiresAt: new Date(pdf.expires_at ?? Date.now() + 10 * 60_000) };
    } catch (error) {
      throw toGoCardlessError(error);
    }
  }

  /**
   * Creates with an idempotency key: a network failure is retried once with the same key, and a
   * conflict (the first call did go through) returns the resource it created.
   */
  private async createOrFetch<T>(create: () => Promise<T>, fetchExisting: ((id: string) => Promise<T>) | null): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await withTimeout("gocardless", TIMEOUT_MS, create());
      } catch (error) {
        const conflicting =
          (error as { conflictingResourceId?: string }).conflictingResourceId ??
          (error as { errors?: { links?: { conflicting_resource_id?: string } }[] }).errors?.[0]?.links?.conflicting_resource_id;
        if (fetchExisting && conflicting) return withTimeout("gocardless", TIMEOUT_MS, fetchExisting(conflicting));
        if (attempt < 2 && toGoCardlessError(error).kind === "unavailable") continue;
        throw error;
      }
    }
  }

  authorizeUrl(options: AuthorizeOptions): string {
    const base = this.sandbox ? `${this.all.sandboxPagesUrl}/pages/gocardless` : this.connectBase;
    const query = new URLSearchParams({
      client_id: this.settings.clientId,
      redirect_uri: options.redirectUri,
      response_type: "code",
      scope: "read_write",
      state: options.state,
      initial_view: options.signup ? "signup" : "login",
      language: options.locale,
    });
    if (options.email) query.set("prefill[email]", options.email);
    if (options.organisationName) query.set("prefill[organisation_name]", options.organisationName);
    return `${base}/oauth/authorize?${query}`;
  }

  async exchangeCode(code: string, redirectUri: string): Promise<ConnectedAccount> {
    const body = new URLSearchParams({
      grant_type: "authorization_code",
      code,
      redirect_uri: redirectUri,
      client_id: this.settings.clientId,
      client_secret: this.settings.clientSecret,
    });
    const response = await this.connectRequest("/oauth/access_token", body);
    const token = (await response.json().catch(() => null)) as { access_token?: string; organisation_id?: string; error?: string } | null;
    if (!response.ok || !token?.access_token || !token.organisation_id) {
      if (response.status >= 500) throw new ProviderError("gocardless", "unavailable", `token exchange answered ${response.status}`);
      throw new ProviderError(
        "gocardless",
        token?.error === "invalid_grant" ? "invalid_grant" : "rejected",
        `token exchange refused: ${token?.error ?? response.status}`,
      );
    }
    let accountName = "";
    try {
      const creditors = await withTimeout("gocardless", TIMEOUT_MS, this.client(token.access_token).creditors.list({ limit: "1" } as never));
      accountName = creditors.creditors[0]?.name ?? "";
    } catch {
      // The name is a courtesy; the connection stands without it.
    }
    return { accountId: token.organisation_id, accountName, environment: this.settings.environment, accessToken: token.access_token };
  }

  async revoke(account: { accessToken: string }): Promise<void> {
    const body = new URLSearchParams({ client_id: this.settings.clientId, client_secret: this.settings.clientSecret, token: account.accessToken });
    const response = await this.connectRequest("/oauth/revoke", body);
    if (!response.ok) throw new ProviderError("gocardless", "rejected", `revoke answered ${response.status}`);
  }

  /** One retry on a network failure; OAuth calls are safe to repeat (the code is single-use on their side). */
  private async connectRequest(path: string, body: URLSearchParams): Promise<Response> {
    const url = `${this.connectBase}${path}`;
    for (let attempt = 1; ; attempt++) {
      try {
        return await fetch(url, {
          method: "POST",
          body,
          headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
          signal: AbortSignal.timeout(TIMEOUT_MS),
        });
      } catch (error) {
        if (attempt >= 2) throw new ProviderError("gocardless", "unavailable", error instanceof Error ? error.message : String(error));
      }
    }
  }
}

/** Classifies SDK errors: network failures and 5xx are "unavailable" (worth a retry), the rest "rejected". */
export function toGoCardlessError(error: unknown): ProviderError {
  if (isProviderError(error)) return error;
  const status = (error as { response?: { statusCode?: number } }).response?.statusCode ?? (error as { code?: number }).code;
  const message = error instanceof Error ? error.message : String(error);
  if (typeof status === "number" && status >= 500) return new ProviderError("gocardless", "unavailable", message);
  if (typeof status !== "number" || (error as { name?: string }).name === "RequestError") return new ProviderError("gocardless", "unavailable", message);
  return new ProviderError("gocardless", "rejected", message);
}

interface GoCardlessEvent {
  id: string;
  created_at?: string;
  resource_type: string;
  action: string;
  details?: { cause?: string; description?: string; will_attempt_retry?: boolean };
  links?: {
    organisation?: string;
    payment?: string;
    refund?: string;
    mandate?: string;
    billing_request?: string;
    mandate_request_mandate?: string;
    new_mandate?: string;
    instalment_schedule?: string;
  };
}

/**
 * Payment actions and the status each leaves the payment in. `confirmed` is "collected" (paid_out comes
 * after it); `chargeback_cancelled` gives the money back; surcharge and settlement-delay notices change
 * nothing the customer paid. The whole lifecycle is in docs/payment-lifecycle.md.
 */
const PAYMENT_ACTIONS = {
  created: "processing",
  customer_approval_granted: "processing",
  submitted: "processing",
  resubmission_requested: "processing",
  confirmed: "confirmed",
  paid_out: "confirmed",
  chargeback_cancelled: "confirmed",
  failed: "failed",
  cancelled: "failed",
  late_failure_settled: "failed",
  customer_approval_denied: "failed",
  charged_back: "charged_back",
  chargeback_settled: "charged_back",
} as const;

/** Refund actions: the money has left only once GoCardless says the refund was paid. */
const REFUND_ACTIONS = { created: "pending", paid: "succeeded", refund_settled: "succeeded", failed: "failed", funds_returned: "failed" } as const;

/** GoCardless recommends reading `details.cause` rather than the scheme's reason code. */
export function normaliseGoCardlessEvent(event: GoCardlessEvent): NormalisedEvent {
  const links = event.links ?? {};
  if (event.resource_type === "payments" && links.payment) {
    const status = PAYMENT_ACTIONS[event.action as keyof typeof PAYMENT_ACTIONS];
    if (!status) return { kind: "ignored" };
    // A failure GoCardless will retry (Success+) leaves the money on its way, not failed.
    const retrying = event.action === "failed" && event.details?.will_attempt_retry === true;
    return {
      kind: "payment",
      providerPaymentId: links.payment,
      status: retrying ? "processing" : status,
      reason: status === "failed" || retrying ? event.details?.cause : undefined,
      ...(retrying ? { retrying } : {}),
    };
  }
  if (event.resource_type === "refunds" && links.refund) {
    const status = REFUND_ACTIONS[event.action as keyof typeof REFUND_ACTIONS];
    if (!status) return { kind: "ignored" };
    return { kind: "refund", refundId: links.refund, status, providerPaymentId: links.payment, reason: event.details?.cause };
  }
  if (event.resource_type === "billing_requests" && event.action === "fulfilled" && links.billing_request && links.mandate_request_mandate) {
    return { kind: "mandate_ready", billingRequestId: links.billing_request, mandateId: links.mandate_request_mandate };
  }
  if (event.resource_type === "instalment_schedules" && links.instalment_schedule) {
    return {
      kind: "instalment_schedule",
      scheduleId: links.instalment_schedule,
      action: event.action,
      ...(event.details?.cause ? { cause: event.details.cause } : {}),
    };
  }
  if (event.resource_type === "mandates" && links.mandate) {
    return {
      kind: "mandate",
      mandateId: links.mandate,
      action: event.action,
      ...(links.new_mandate ? { newMandateId: links.new_mandate } : {}),
      ...(event.details?.cause ? { cause: event.details.cause } : {}),
    };
  }
  return { kind: "ignored" };
}
