-- Columns are added, not the table rebuilt: a rebuild would drop Payment's content-version triggers.
ALTER TABLE "Payment" ADD COLUMN "statusAt" DATETIME;
ALTER TABLE "Payment" ADD COLUMN "disputedMinor" INTEGER NOT NULL DEFAULT 0;
UPDATE "Payment" SET "statusAt" = "updatedAt";

-- CreateTable
CREATE TABLE "PaymentReversal" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "organisationId" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "providerRef" TEXT NOT NULL,
    "providerPaymentId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "amountMinor" INTEGER NOT NULL,
    "currency" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "reason" TEXT,
    "statusAt" DATETIME NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "PaymentReversal_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "Organisation" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "PaymentReversal_provider_providerPaymentId_idx" ON "PaymentReversal"("provider", "providerPaymentId");
CREATE UNIQUE INDEX "PaymentReversal_provider_providerRef_key" ON "PaymentReversal"("provider", "providerRef");

-- The consultation page shows refunds and disputes: a change must renew its kept bytes.
CREATE TRIGGER "PaymentReversal_content_version_insert" AFTER INSERT ON "PaymentReversal" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "PaymentReversal_content_version_update" AFTER UPDATE ON "PaymentReversal" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "PaymentReversal_content_version_delete" AFTER DELETE ON "PaymentReversal" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
