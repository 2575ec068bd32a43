import { createServer as createHttpServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { Writable } from "node:stream";
import type { ServerBuild } from "react-router";
import { completeConfig, parseEnv, type Config } from "~/lib/config.server";
import type { Db } from "~/lib/db.server";
import { createLogger } from "~/lib/logger.server";
import { deliverDueEmails, getMailboxEmail, localMailboxTransport } from "~/domain/outbox";
import { processDueEvents } from "~/domain/webhooks";
import { createServer } from "../../server/app";
import { createProviders, type Providers } from "../../integrations";
import { configureSandbox } from "../../integrations/sandbox";
import { createTestDb } from "./db";

export interface TestApp {
  baseUrl: string;
  db: Db;
  config: Config;
  providers: Providers;
  /** Every JSON log line the app wrote, for assertions on what must never be logged. */
  logs: string[];
  /** A new browser; each one is a different client (its own address, as a proxy on this machine reports it) unless `ip` says which. */
  browser: (options?: { ip?: string }) => TestBrowser;
  deliverEmails: () => Promise<number>;
  /** Delivers what is queued, then reads the newest email to `address` in the local mailbox, as a person on this machine would. */
  lastEmailTo: (address: string, subject?: RegExp) => Promise<MailboxEmail>;
  /** Delivers what is queued, then answers one outbox email as its recipient got it (from the local mailbox). */
  deliveredEmail: (outboxEmailId: string) => Promise<MailboxEmail & { toAddress: string }>;
  /** Processes the stored webhook events now (the server does it in the background). */
  processWebhooks: (at?: Date) => Promise<number>;
  close: () => Promise<void>;
}

let buildPromise: Promise<ServerBuild> | undefined;
function loadBuild() {
  // The production build made by `npm test` before vitest runs (`npm run build`).
  return (buildPromise ??= import(path.resolve(import.meta.dirname, "../../build/server/index.js")) as Promise<ServerBuild>);
}

export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const { db, url, cleanup } = await createTestDb();
  const http: Server = createHttpServer();
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const baseUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const config = completeConfig(parseEnv({ NODE_ENV: "test", DATABASE_URL: url, APP_URL: baseUrl, LOG_LEVEL: "info", ...env }), () => ({
    SESSION_SECRET: "test-session-secret-0123456789abcdef",
    ENCRYPTION_KEY: "0123456789abcdef".repeat(4),
  }));
  const logs: string[] = [];
  const deliverBatch = () =>
    deliverDueEmails(
      { db, transport: localMailboxTransport(db, config.ENCRYPTION_KEY), from: config.EMAIL_FROM, log: logger, encryptionKey: config.ENCRYPTION_KEY },
      new Date(),
    );
  /** Everything due, batch after batch (the worker takes 20 at a time): a test may have queued more. */
  const deliver = async () => {
    let delivered = 0;
    for (let batch = await deliverBatch(); batch > 0; batch = await deliverBatch()) delivered += batch;
    return delivered;
  };
  const logger = createLogger(
    "debug",
    new Writable({
      write(chunk, _enc, done) {
        logs.push(String(chunk));
        done();
      },
    }),
  );
  const providers = createProviders(config);
  // The sandbox's handlers (see test/mocks/providers.ts) serve this app: its OAuth clients, its webhooks.
  configureSandbox({
    webhookTarget: { appUrl: baseUrl, stripeSecret: providers.settings.stripe.webhookSecret, gocardlessSecret: providers.settings.gocardless.webhookSecret },
    clientIds: { gocardless: providers.settings.gocardless.clientId, stripe: providers.settings.stripe.clientId },
  });
  const app = createServer({ build: await loadBuild(), db, config, logger, providers, clientDir: path.resolve(import.meta.dirname, "../../build/client") });
  http.on("request", app);
  return {
    baseUrl,
    db,
    config,
    providers,
    logs,
    browser: (options) => new TestBrowser(baseUrl, options?.ip),
    deliverEmails: deliver,
    lastEmailTo: async (address, subject) => {
      await deliver();
      return readMailbox(baseUrl, address, subject);
    },
    deliveredEmail: async (outboxEmailId) => {
      await deliver();
      const { idempotencyKey } = await db.outboxEmail.findUniqueOrThrow({ where: { id: outboxEmailId } });
      const { id } = await db.mailboxMessage.findUniqueOrThrow({ where: { idempotencyKey } });
      return (await getMailboxEmail(db, config.ENCRYPTION_KEY, id))!;
    },
    processWebhooks: (at = new Date()) => processDueEvents({ db, providers, encryptionKey: config.ENCRYPTION_KEY, appUrl: baseUrl, log: logger }, at),
    close: async () => {
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
      await cleanup();
    },
  };
}

export interface MailboxEmail {
  subject: string;
  /** The plain-text part, as delivered (links included). */
  text: string;
  html: string;
}

/** The local mailbox pages (/mailbox), newest first; only this machine may read them, so no forwarding header. */
async function readMailbox(baseUrl: string, address: string, subject?: RegExp): Promise<MailboxEmail> {
  const list = await (await fetch(`${baseUrl}/mailbox`)).text();
  const rows = [...list.matchAll(/<tr>.*?<\/tr>/gs)].map(([row]) => row);
  const row = rows.find((r) => r.includes(`>${address}<`) && (!subject || subject.test(textOf(r))));
  if (!row) throw new Error(`no email to ${address} in the mailbox`);
  const [, id, title] = /href="\/mailbox\/([^"]+)"[^>]*>([^<]*)</.exec(row)!;
  const page = await (await fetch(`${baseUrl}/mailbox/${id}`)).text();
  const decode = (s: string) => textOf(s).trim();
  const text = decode(/data-testid="email-text">([\s\S]*?)<\/pre>/.exec(page)![1]);
  const html = /srcDoc="([^"]*)"/i.exec(page)?.[1] ?? "";
  return {
    subject: decode(title),
    text,
    html: html
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">")
      .replace(/&amp;/g, "&"),
  };
}

export interface Page {
  status: number;
  location: string | null;
  html: string;
  headers: Headers;
  body: ArrayBuffer;
}

let clients = 0;
/** A documentation address (RFC 5737) per browser: the app trusts the forwarding header from this machine, as from a local proxy. */
export const nextClientAddress = () => `198.51.${(++clients >> 8) & 255}.${clients & 255}`;

/** A cookie-keeping client that behaves like a browser without JavaScript (plain GETs and form posts). */
export class TestBrowser {
  private cookies = new Map<string, string>();
  private csrf: string | null = null;

  constructor(
    readonly baseUrl: string,
    readonly ip: string = nextClientAddress(),
  ) {}

  private async request(pathname: string, init: RequestInit = {}): Promise<Page> {
    const headers = new Headers(init.headers);
    if (!headers.has("x-forwarded-for")) headers.set("x-forwarded-for", this.ip);
    if (this.cookies.size) headers.set("cookie", [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    // Absolute URLs are other sites (the provider sandbox's hosted pages): they get none of the app's cookies.
    const url = /^https?:/.test(pathname) ? pathname : this.baseUrl + pathname;
    if (url !== this.baseUrl + pathname) headers.delete("cookie");
    const res = await fetch(url, { ...init, headers, redirect: "manual" });
    for (const cookie of url.startsWith(this.baseUrl) ? res.headers.getSetCookie() : []) {
      const [pair, ...attributes] = cookie.split(";");
      const [name, value] = [pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1)];
      if (attributes.some((a) => /max-age=0/i.test(a.trim())) || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const body = await res.arrayBuffer();
    return { status: res.status, location: res.headers.get("location"), headers: res.headers, body, html: new TextDecoder().decode(body) };
  }

  get(pathname: string, headers: Record<string, string> = {}) {
    return this.request(pathname, { headers });
  }

  /** Follows redirects like a browser would, returning the final page. */
  async visit(pathname: string): Promise<Page> {
    let page = await this.get(pathname);
    for (let hops = 0; page.location && hops < 5; hops++)
      page = await this.get(new URL(page.location, this.baseUrl).pathname + new URL(page.location, this.baseUrl).search);
    return page;
  }

  async csrfToken(): Promise<string> {
    if (!this.csrf) {
      const page = await this.get("/login");
      const match = /name="csrf" value="([^"]+)"/.exec(page.html);
      if (!match) throw new Error("no CSRF token on /login");
      this.csrf = match[1];
    }
    return this.csrf;
  }

  /** A multipart form post with files, as a browser sends an `<input type="file">` form. */
  async upload(pathname: string, fields: Record<string, string>, files: Record<string, { name: string; bytes: Uint8Array; type?: string }>) {
    const body = new FormData();
    for (const [name, value] of Object.entries(fields)) body.set(name, value);
    body.set("csrf", await this.csrfToken());
    for (const [name, file] of Object.entries(files))
      body.set(name, new Blob([new Uint8Array(file.bytes)], { type: file.type ?? "application/octet-stream" }), file.name);
    return this.request(pathname, { method: "POST", body, headers: { origin: this.baseUrl } });
  }

  /** A field given a list is sent once per value, as ticked checkboxes of one name are. */
  async post(pathname: string, fields: Record<string, string | string[]>, options: { csrf?: boolean; headers?: Record<string, string> } = {}) {
    const body = new URLSearchParams(Object.entries(fields).flatMap(([name, value]) => (Array.isArray(value) ? value : [value]).map((v) => [name, v])));
    if (options.csrf !== false) body.set("csrf", await this.csrfToken());
    return this.request(pathname, {
      method: "POST",
      body,
      headers: { "content-type": "application/x-www-form-urlencoded", origin: this.baseUrl, ...options.headers },
    });
  }
}

/** Text of an HTML page with tags stripped and entities decoded, for asserting what a person reads. */
export function textOf(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&nbsp;|\u00a0|\u202f/g, " ")
    .replace(/\s+/g, " ");
}
