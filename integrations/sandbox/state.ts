import { randomBytes } from "node:crypto";

export interface SandboxAccount {
  provider: "gocardless" | "stripe";
  accountId: string;
  name: string;
  email: string;
}

/** What the sandbox remembers. One per process, shared by the server and the app build (hence globalThis). */
export interface SandboxState {
  tokens: Map<string, SandboxAccount>;
  accounts: Map<string, SandboxAccount>;
  /** Every request the sandbox answered, for tests and the sandbox pages. */
  calls: { method: string; url: string; body: string; headers: Record<string, string> }[];
  [key: string]: unknown;
}

const KEY = Symbol.for("payments-invoicing.sandbox-state");

export function sandboxState(): SandboxState {
  const store = globalThis as unknown as Record<symbol, SandboxState | undefined>;
  return (store[KEY] ??= { tokens: new Map(), accounts: new Map(), calls: [] });
}

export function resetSandbox() {
  const state = sandboxState();
  for (const value of Object.values(state)) if (value instanceof Map) value.clear();
  state.calls.length = 0;
}

export function sandboxId(prefix: string, length = 14): string {
  return prefix + randomBytes(length).toString("base64url").replace(/[-_]/g, "").slice(0, length).toUpperCase();
}

/**
 * OAuth codes carry the approved account, so the consent page (an app route) and the token
 * endpoint (an msw handler) need no shared store between them.
 */
export function encodeSandboxCode(account: SandboxAccount): string {
  return `sbx_${Buffer.from(JSON.stringify(account)).toString("base64url")}`;
}

export function decodeSandboxCode(code: string): SandboxAccount | null {
  if (!code.startsWith("sbx_")) return null;
  try {
    const account = JSON.parse(Buffer.from(code.slice(4), "base64url").toString("utf8")) as SandboxAccount;
    return typeof account.accountId === "string" && typeof account.name === "string" ? account : null;
  } catch {
    return null;
  }
}
