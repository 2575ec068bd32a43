import Database from "libsql";
import { keepPrivate } from "~/lib/private-file.server";

/**
 * What the provider sandbox remembers (accounts, tokens, checkouts, mandates, payments, idempotency
 * keys), in a SQLite file of its own so a restart keeps it, or in memory for a test file.
 * Records are JSON by collection and id; a record read is a copy: change it, then `set` it back.
 */
export interface SandboxCollection<T> {
  get(id: string): T | undefined;
  set(id: string, value: T): void;
  delete(id: string): void;
  has(id: string): boolean;
  values(): T[];
}

export interface SandboxStore {
  collection<T>(name: string): SandboxCollection<T>;
  /** Work the sandbox does later by itself (a debit moving on), kept across restarts. */
  schedule(dueAt: Date, task: Record<string, unknown>): void;
  /** Takes the tasks that are due: each is handed out once. */
  takeDue(now: Date): Record<string, unknown>[];
  clear(): void;
  close(): void;
}

export function openSandboxStore(file: string): SandboxStore {
  if (file !== ":memory:") keepPrivate(file);
  const db = new Database(file);
  if (file !== ":memory:") db.prepare("PRAGMA journal_mode = WAL").get();
  db.exec(`CREATE TABLE IF NOT EXISTS record (collection TEXT NOT NULL, id TEXT NOT NULL, json TEXT NOT NULL, PRIMARY KEY (collection, id));
    CREATE TABLE IF NOT EXISTS task (id INTEGER PRIMARY KEY AUTOINCREMENT, due_at INTEGER NOT NULL, json TEXT NOT NULL);`);
  const get = db.prepare("SELECT json FROM record WHERE collection = ? AND id = ?");
  const put = db.prepare("INSERT INTO record (collection, id, json) VALUES (?, ?, ?) ON CONFLICT (collection, id) DO UPDATE SET json = excluded.json");
  const remove = db.prepare("DELETE FROM record WHERE collection = ? AND id = ?");
  const all = db.prepare("SELECT json FROM record WHERE collection = ? ORDER BY rowid");
  const addTask = db.prepare("INSERT INTO task (due_at, json) VALUES (?, ?)");
  const dueTasks = db.prepare("SELECT id, json FROM task WHERE due_at <= ? ORDER BY due_at, id");
  const removeTask = db.prepare("DELETE FROM task WHERE id = ?");
  return {
    collection<T>(name: string): SandboxCollection<T> {
      return {
        get: (id) => {
          const row = get.get(name, id) as { json: string } | undefined;
          return row ? (JSON.parse(row.json) as T) : undefined;
        },
        set: (id, value) => void put.run(name, id, JSON.stringify(value)),
        delete: (id) => void remove.run(name, id),
        has: (id) => get.get(name, id) !== undefined,
        values: () => (all.all(name) as { json: string }[]).map((row) => JSON.parse(row.json) as T),
      };
    },
    schedule: (dueAt, task) => void addTask.run(dueAt.getTime(), JSON.stringify(task)),
    takeDue: (now) =>
      (dueTasks.all(now.getTime()) as { id: number; json: string }[]).filter((row) => removeTask.run(row.id).changes === 1).map((row) => JSON.parse(row.json)),
    clear: () => db.exec("DELETE FROM record; DELETE FROM task;"),
    close: () => db.close(),
  };
}
