-- DropIndex
DROP INDEX "Invoice_organisationId_createdAt_idx";

-- DropIndex
DROP INDEX "Invoice_organisationId_customerId_createdAt_idx";

-- CreateTable
CREATE TABLE "InvoiceStatusCount" (
    "organisationId" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,

    PRIMARY KEY ("organisationId", "status"),
    CONSTRAINT "InvoiceStatusCount_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "Organisation" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "Invoice_organisationId_createdAt_id_idx" ON "Invoice"("organisationId", "createdAt", "id");

-- CreateIndex
CREATE INDEX "Invoice_organisationId_status_createdAt_id_idx" ON "Invoice"("organisationId", "status", "createdAt", "id");

-- CreateIndex
CREATE INDEX "Invoice_organisationId_customerId_createdAt_id_idx" ON "Invoice"("organisationId", "customerId", "createdAt", "id");

-- Added by hand to the generated migration (Prisma does not model triggers).
-- The invoice list shows how many invoices each status has without counting them on every page:
-- these triggers keep InvoiceStatusCount in the same transaction as every insert, status change and
-- delete on "Invoice", whichever code (or cascade) makes it.
CREATE TRIGGER "Invoice_statusCount_insert" AFTER INSERT ON "Invoice"
BEGIN
    INSERT INTO "InvoiceStatusCount" ("organisationId", "status", "count") VALUES (NEW."organisationId", NEW."status", 1)
        ON CONFLICT ("organisationId", "status") DO UPDATE SET "count" = "count" + 1;
END;

CREATE TRIGGER "Invoice_statusCount_update" AFTER UPDATE OF "status", "organisationId" ON "Invoice"
WHEN OLD."status" IS NOT NEW."status" OR OLD."organisationId" IS NOT NEW."organisationId"
BEGIN
    UPDATE "InvoiceStatusCount" SET "count" = "count" - 1 WHERE "organisationId" = OLD."organisationId" AND "status" = OLD."status";
    INSERT INTO "InvoiceStatusCount" ("organisationId", "status", "count") VALUES (NEW."organisationId", NEW."status", 1)
        ON CONFLICT ("organisationId", "status") DO UPDATE SET "count" = "count" + 1;
END;

CREATE TRIGGER "Invoice_statusCount_delete" AFTER DELETE ON "Invoice"
BEGIN
    UPDATE "InvoiceStatusCount" SET "count" = "count" - 1 WHERE "organisationId" = OLD."organisationId" AND "status" = OLD."status";
END;

-- The invoices already there.
INSERT INTO "InvoiceStatusCount" ("organisationId", "status", "count")
    SELECT "organisationId", "status", COUNT(*) FROM "Invoice" GROUP BY "organisationId", "status";
