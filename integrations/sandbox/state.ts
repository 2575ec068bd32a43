import { randomBytes } from "node:crypto";
import { SANDBOX_PAGES_ORIGIN } from "../settings";
import { openSandboxStore, type SandboxCollection, type SandboxStore } from "./store";

export { SANDBOX_PAGES_ORIGIN };

export interface SandboxAccount {
  provider: "gocardless" | "stripe";
  accountId: string;
  name: string;
  email: string;
}

/** Where and how the sandbox delivers its webhooks. */
export interface SandboxWebhookTarget {
  appUrl: string;
  stripeSecret: string;
  gocardlessSecret: string;
}

export interface SandboxSettings {
  /** Where a browser reaches the sandbox's hosted pages (consent, checkout, mandate flow). */
  publicUrl: string;
  /** The app whose OAuth redirects and webhooks the sandbox serves; null: no webhooks are sent. */
  webhookTarget: SandboxWebhookTarget | null;
  /** The OAuth client ids the consent pages accept. */
  clientIds: { gocardless: string; stripe: string };
  /** Direct debits move on to "confirmed" by themselves, as in GoCardless's sandbox. */
  autoAdvance: boolean;
  /** How long such a debit stays in flight before it is collected ("confirmed"). */
  debitCollectMs: number;
}

interface SandboxState {
  store: SandboxStore;
  settings: SandboxSettings;
  tokens: SandboxCollection<SandboxAccount>;
  accounts: SandboxCollection<SandboxAccount>;
  /** The latest requests the sandbox answered (at most MAX_CALLS), for tests. */
  calls: { method: string; url: string; body: string; headers: Record<string, string> }[];
}

const MAX_CALLS = 1000;
let state: SandboxState | undefined;

function stateOn(store: SandboxStore, settings: Partial<SandboxSettings> = {}): SandboxState {
  return {
    store,
    settings: {
      publicUrl: SANDBOX_PAGES_ORIGIN,
      webhookTarget: null,
      clientIds: { gocardless: "sandbox-gocardless-client", stripe: "ca_sandbox" },
      autoAdvance: false,
      debitCollectMs: 3000,
      ...settings,
    },
    tokens: store.collection("tokens"),
    accounts: store.collection("accounts"),
    calls: [],
  };
}

/** The sandbox's state: in memory unless `useSandboxStore` gave it a file (the running service). */
export function sandboxState(): SandboxState {
  return (state ??= stateOn(openSandboxStore(":memory:")));
}

export function openSandboxState(file: string, settings: Partial<SandboxSettings>) {
  state?.store.close();
  state = stateOn(openSandboxStore(file), settings);
  return state;
}

export function configureSandbox(settings: Partial<SandboxSettings>) {
  Object.assign(sandboxState().settings, settings);
}

export function recordCall(call: SandboxState["calls"][number]) {
  const { calls } = sandboxState();
  calls.push(call);
  if (calls.length > MAX_CALLS) calls.splice(0, calls.length - MAX_CALLS);
}

export function resetSandbox() {
  const current = sandboxState();
  current.store.clear();
  current.calls.length = 0;
}

export function sandboxId(prefix: string, length = 14): string {
  return (
    prefix +
    randomBytes(length * 2)
      .toString("base64url")
      .replace(/[-_]/g, "")
      .slice(0, length)
      .toUpperCase()
  );
}

/** OAuth codes carry the approved account, so the consent page and the token endpoint need nothing else in common. */
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
