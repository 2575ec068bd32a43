import { z } from "zod";

const optional = <T extends z.ZodTypeAny>(schema: T) => z.preprocess((value) => (value === "" ? undefined : value), schema.optional());

const envSchema = z.object({
  NODE_ENV: optional(z.enum(["development", "production", "test"])).default("production"),
  PORT: optional(z.coerce.number().int().min(1).max(65535)).default(3000),
  /** The interface to listen on. Default: loopback on the embedded database (a laptop), every interface otherwise. */
  HOST: optional(z.string()),
  APP_URL: optional(z.url({ protocol: /^https?$/, error: "must be an http(s) URL such as https://factures.example.com" })),
  DATABASE_URL: optional(z.string().regex(/^(file:|libsql:\/\/|https?:\/\/|wss?:\/\/)/, "must start with file:, libsql://, http(s):// or ws(s)://")).default(
    "file:./data/app.db",
  ),
  DATABASE_AUTH_TOKEN: optional(z.string()),
  SESSION_SECRET: optional(z.string().min(32, "must be at least 32 characters")),
  ENCRYPTION_KEY: optional(z.string().regex(/^[0-9a-f]{64}$/i, "must be 64 hex characters (32 bytes)")),
  RESEND_API_KEY: optional(z.string().startsWith("re_", "must start with re_")),
  EMAIL_FROM: optional(z.string().min(3)).default("Factures <factures@localhost>"),
  GOCARDLESS_CLIENT_ID: optional(z.string().min(1)),
  GOCARDLESS_CLIENT_SECRET: optional(z.string().min(1)),
  GOCARDLESS_ENVIRONMENT: optional(z.enum(["sandbox", "live"])).default("sandbox"),
  GOCARDLESS_WEBHOOK_SECRET: optional(z.string().min(8)),
  STRIPE_SECRET_KEY: optional(z.string().regex(/^(sk|rk)_(test|live)_/, "must start with sk_test_, sk_live_, rk_test_ or rk_live_")),
  STRIPE_CLIENT_ID: optional(z.string().startsWith("ca_", "must start with ca_")),
  STRIPE_WEBHOOK_SECRET: optional(z.string().startsWith("whsec_", "must start with whsec_")),
  /** The offline provider sandbox service, used while a provider has no credentials (npm start sets it). */
  SANDBOX_URL: optional(z.url({ protocol: /^http$/, error: "must be an http URL such as http://localhost:3001" }).transform((url) => url.replace(/\/$/, ""))),
  /** How long a direct debit stays in flight in the offline sandbox before it is collected, in seconds. */
  SANDBOX_DEBIT_SECONDS: optional(z.coerce.number().min(1).max(86400)).default(3),
  /** SMS for mandate verification codes (integrations/sms): Twilio's official SDK; offline, the local mailbox. */
  TWILIO_ACCOUNT_SID: optional(z.string().regex(/^AC[0-9a-f]{32}$/i, "must be AC followed by 32 hex characters")),
  TWILIO_AUTH_TOKEN: optional(z.string().min(16)),
  TWILIO_FROM: optional(
    z
      .string()
      .regex(/^(\+\d{6,15}|MG[0-9a-f]{32}|[A-Za-z0-9 ]{1,11})$/, "must be a phone number (+33…), a Messaging Service SID (MG…) or an alphanumeric sender"),
  ),
  RESEND_BASE_URL: optional(z.url({ protocol: /^https?$/, error: "must be an http(s) URL" })),
  /**
   * Whose X-Forwarded-For to believe (Express's "trust proxy"): a number of proxy hops, or addresses,
   * subnets or the names loopback, linklocal, uniquelocal, comma-separated; "false" for none. Rate limits
   * count clients by this address, so never trust a header that clients can set themselves.
   */
  TRUST_PROXY: optional(
    z
      .string()
      .regex(/^(\d{1,2}|false|[\w.:/]+(\s*,\s*[\w.:/]+)*)$/, "must be a number of hops, false, or addresses/subnets such as loopback, 10.0.0.0/8")
      .refine((value) => value !== "true", "true would believe any client's header: give the proxies' addresses or a number of hops"),
  ).default("loopback"),
  LOG_LEVEL: optional(z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"])).default("info"),
});

export type Env = z.infer<typeof envSchema>;

export type Config = Omit<Env, "HOST" | "APP_URL" | "SESSION_SECRET" | "ENCRYPTION_KEY" | "TRUST_PROXY"> & {
  /** Express's "trust proxy" value. */
  TRUST_PROXY: number | string | false;
  HOST: string;
  APP_URL: string;
  SESSION_SECRET: string;
  ENCRYPTION_KEY: string;
  embeddedDatabase: boolean;
  secureCookies: boolean;
  /** The local mailbox page shows every organisation's emails: only ever on a loopback address, without Resend. */
  localMailbox: boolean;
};

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}\nSee .env.example for every variable.`);
    this.name = "ConfigError";
  }
}

/** Validates the environment. Secrets may be absent here: see resolveSecrets. */
export function parseEnv(env: Record<string, string | undefined>): Env {
  const result = envSchema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`));
  }
  return result.data;
}

/**
 * Completes the configuration. On the embedded database a missing secret comes from `stored`
 * (generated once and kept under ./data/); a shared libSQL server serves several instances,
 * which must all be given the same secrets explicitly.
 */
export function completeConfig(env: Env, stored: () => { SESSION_SECRET: string; ENCRYPTION_KEY: string }): Config {
  const embeddedDatabase = env.DATABASE_URL.startsWith("file:");
  if (!embeddedDatabase) {
    const missing = (["SESSION_SECRET", "ENCRYPTION_KEY"] as const).filter((name) => !env[name]);
    if (missing.length) {
      throw new ConfigError(missing.map((name) => `${name}: required when DATABASE_URL is not a local file (every instance must share it)`));
    }
  }
  const secrets = env.SESSION_SECRET && env.ENCRYPTION_KEY ? null : stored();
  const APP_URL = (env.APP_URL ?? `http://localhost:${env.PORT}`).replace(/\/$/, "");
  return {
    ...env,
    HOST: env.HOST ?? (embeddedDatabase ? "127.0.0.1" : "0.0.0.0"),
    APP_URL,
    SESSION_SECRET: env.SESSION_SECRET ?? secrets!.SESSION_SECRET,
    ENCRYPTION_KEY: env.ENCRYPTION_KEY ?? secrets!.ENCRYPTION_KEY,
    TRUST_PROXY: /^\d+$/.test(env.TRUST_PROXY) ? Number(env.TRUST_PROXY) : env.TRUST_PROXY === "false" ? false : env.TRUST_PROXY,
    embeddedDatabase,
    secureCookies: APP_URL.startsWith("https://"),
    localMailbox: !env.RESEND_API_KEY && ["localhost", "127.0.0.1", "[::1]"].includes(new URL(APP_URL).hostname),
  };
}
