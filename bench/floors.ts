/**
 * Bare floors for `npm run bench`: the least any server could do for the same work on this machine, in
 * the same run, so each figure is read beside what the hardware allows rather than on its own.
 */
import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import Database from "libsql";
import Stripe from "stripe";

async function listen(server: Server) {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * A bare `node:http` server that does what a webhook delivery must: check the Stripe signature on the raw
 * body and insert one row in a SQLite file (WAL, full sync, one transaction per delivery).
 */
export async function bareWebhookServer(file: string, secret: string) {
  const db = new Database(file);
  db.prepare("PRAGMA journal_mode = WAL").get();
  db.exec("PRAGMA synchronous = FULL; CREATE TABLE IF NOT EXISTS event (id TEXT PRIMARY KEY, event_id TEXT UNIQUE, payload TEXT)");
  const insert = db.prepare("INSERT OR IGNORE INTO event (id, event_id, payload) VALUES (?, ?, ?)");
  const stripe = new Stripe("sk_test_floor");
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    try {
      const event = stripe.webhooks.constructEvent(body, String(req.headers["stripe-signature"]), secret);
      insert.run(randomUUID(), event.id, body);
      res.writeHead(204).end();
    } catch {
      res.writeHead(400).end();
    }
  });
  const listening = await listen(server);
  return { ...listening, close: () => listening.close().then(() => db.close()) };
}

/**
 * The bare bookkeeping of a payment event: in one transaction (WAL, full sync), insert the payment and
 * update its invoice's amounts, with prepared statements and nothing else. Answers events per second.
 */
export function bareBookkeeping(file: string, events: number) {
  const db = new Database(file);
  db.prepare("PRAGMA journal_mode = WAL").get();
  db.exec(`PRAGMA synchronous = FULL;
    CREATE TABLE IF NOT EXISTS invoice (id TEXT PRIMARY KEY, total INTEGER, paid INTEGER, due INTEGER, status TEXT);
    CREATE TABLE IF NOT EXISTS payment (id TEXT PRIMARY KEY, provider_payment_id TEXT UNIQUE, invoice_id TEXT, amount INTEGER, status TEXT)`);
  const addInvoice = db.prepare("INSERT INTO invoice (id, total, paid, due, status) VALUES (?, 12000, 0, 12000, 'open')");
  const ids = Array.from({ length: events }, () => randomUUID());
  db.transaction(() => {
    for (const id of ids) addInvoice.run(id);
  })();
  const insert = db.prepare("INSERT INTO payment (id, provider_payment_id, invoice_id, amount, status) VALUES (?, ?, ?, 12000, 'confirmed')");
  const settle = db.prepare("UPDATE invoice SET paid = paid + 12000, due = max(0, total - paid - 12000), status = 'paid' WHERE id = ?");
  const book = db.transaction((invoiceId: string, n: number) => {
    insert.run(randomUUID(), `pi_floor_${n}`, invoiceId);
    settle.run(invoiceId);
  });
  const start = performance.now();
  for (const [n, id] of ids.entries()) book(id, n);
  const seconds = (performance.now() - start) / 1000;
  db.close();
  return Math.round(events / seconds);
}

/** A bare `node:http` server answering every request with the same bytes from memory. */
export async function bareBytesServer(bytes: Buffer, contentType: string) {
  return listen(
    createServer((_req, res) => {
      res.writeHead(200, { "content-type": contentType, "content-length": bytes.length }).end(bytes);
    }),
  );
}

/** Resident memory (MB) and open file descriptors of a process, from /proc. */
export function processFootprint(pid: number) {
  try {
    const rss = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
    return { rssMb: Math.round(Number(rss) / 1024), fds: readdirSync(`/proc/${pid}/fd`).length };
  } catch {
    return { rssMb: -1, fds: -1 };
  }
}

/** The processes `npm start` started (web, worker, sandbox), found as the launcher's children. */
export function childPids(parent: number): number[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ")[1] === String(parent);
      } catch {
        return false;
      }
    });
}

export function commandOf(pid: number) {
  try {
    return (
      readFileSync(`/proc/${pid}/cmdline`, "utf8")
        .split("\0")
        .find((part) => part.startsWith("server/")) ?? String(pid)
    );
  } catch {
    return String(pid);
  }
}
