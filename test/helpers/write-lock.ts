import { spawn } from "node:child_process";

/**
 * Another process holding the SQLite write lock for `holdMs` (as the worker process or a second
 * instance would): its own connection, outside this thread, which a synchronous lock wait here would
 * not let finish any sooner. Resolves once the lock is held.
 */
export async function holdWriteLock(file: string, holdMs: number) {
  const script = `
    const Database = require("libsql");
    const db = new Database(process.argv[1]);
    db.exec("BEGIN IMMEDIATE");
    db.exec("UPDATE \\"Organisation\\" SET \\"city\\" = 'Lyon'");
    process.stdout.write("locked\\n");
    setTimeout(() => { db.exec("COMMIT"); process.exit(0); }, Number(process.argv[2]));`;
  const child = spawn(process.execPath, ["-e", script, file, String(holdMs)], { stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((resolve, reject) => {
    child.stdout.once("data", () => resolve());
    child.once("exit", (code) => reject(new Error(`lock holder exited with ${code}`)));
  });
  return { released: new Promise<void>((resolve) => child.once("exit", () => resolve())) };
}
