import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createDb } from "~/lib/db.server";
import { openSandboxStore } from "../../integrations/sandbox/store";

describe("database files", () => {
  it("are created readable by their owner only, and an existing world-readable one is closed", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "perm-"));
    try {
      const file = path.join(dir, "app.db");
      const db = createDb(`file:${file}`);
      await db.$executeRawUnsafe("CREATE TABLE t (x)");
      await db.$executeRawUnsafe("INSERT INTO t VALUES (1)");
      for (const suffix of ["", "-wal", "-shm"]) expect((statSync(file + suffix).mode & 0o777).toString(8), suffix).toBe("600");
      await db.$disconnect();

      const old = path.join(dir, "old.db");
      writeFileSync(old, "", { mode: 0o644 });
      const again = createDb(`file:${old}`);
      await again.$queryRawUnsafe("SELECT 1");
      expect((statSync(old).mode & 0o777).toString(8)).toBe("600");
      await again.$disconnect();

      const sandboxFile = path.join(dir, "sandbox.db");
      const sandbox = openSandboxStore(sandboxFile);
      sandbox.collection("x").set("1", { a: 1 });
      for (const suffix of ["", "-wal", "-shm"]) expect((statSync(sandboxFile + suffix).mode & 0o777).toString(8), suffix).toBe("600");
      sandbox.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
