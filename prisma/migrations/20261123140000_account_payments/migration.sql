-- Issue 14: the customer pays their balance. A provider payment (and the checkout that asks for it) belongs to
-- a customer account, and to one invoice only when it was made for one; a balance payment's shares of the
-- invoices it settles are PaymentAllocation rows. SQLite cannot drop NOT NULL: both tables are redefined here,
-- and their content-version triggers (dropped with the old tables) are created again below.
-- CreateTable
CREATE TABLE "PaymentAllocation" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "organisationId" TEXT NOT NULL,
    "paymentId" TEXT NOT NULL,
    "invoiceId" TEXT NOT NULL,
    "amountMinor" INTEGER NOT NULL,
    "currency" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "PaymentAllocation_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "Organisation" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "PaymentAllocation_paymentId_fkey" FOREIGN KEY ("paymentId") REFERENCES "Payment" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "PaymentAllocation_invoiceId_fkey" FOREIGN KEY ("invoiceId") REFERENCES "Invoice" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Payment" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "organisationId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "invoiceId" TEXT,
    "provider" TEXT NOT NULL,
    "providerPaymentId" TEXT NOT NULL,
    "method" TEXT NOT NULL,
    "amountMinor" INTEGER NOT NULL,
    "currency" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "statusAt" DATETIME,
    "refundedMinor" INTEGER NOT NULL DEFAULT 0,
    "disputedMinor" INTEGER NOT NULL DEFAULT 0,
    "checkoutAttemptId" TEXT,
    "mandateId" TEXT,
    "failureReason" TEXT,
    "flag" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "confirmedAt" DATETIME,
    CONSTRAINT "Payment_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "Organisation" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Payment_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Payment_invoiceId_fkey" FOREIGN KEY ("invoiceId") REFERENCES "Invoice" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "new_Payment" ("amountMinor", "checkoutAttemptId", "confirmedAt", "createdAt", "currency", "customerId", "disputedMinor", "failureReason", "flag", "id", "invoiceId", "mandateId", "method", "organisationId", "provider", "providerPaymentId", "refundedMinor", "status", "statusAt", "updatedAt") SELECT p."amountMinor", p."checkoutAttemptId", p."confirmedAt", p."createdAt", p."currency", i."customerId", p."disputedMinor", p."failureReason", p."flag", p."id", p."invoiceId", p."mandateId", p."method", p."organisationId", p."provider", p."providerPaymentId", p."refundedMinor", p."status", p."statusAt", p."updatedAt" FROM "Payment" p JOIN "Invoice" i ON i."id" = p."invoiceId";
DROP TABLE "Payment";
ALTER TABLE "new_Payment" RENAME TO "Payment";
CREATE INDEX "Payment_organisationId_invoiceId_idx" ON "Payment"("organisationId", "invoiceId");
CREATE INDEX "Payment_invoiceId_idx" ON "Payment"("invoiceId");
CREATE INDEX "Payment_organisationId_customerId_idx" ON "Payment"("organisationId", "customerId");
CREATE UNIQUE INDEX "Payment_provider_providerPaymentId_key" ON "Payment"("provider", "providerPaymentId");
CREATE TABLE "new_CheckoutAttempt" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "organisationId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "invoiceId" TEXT,
    "provider" TEXT NOT NULL,
    "method" TEXT NOT NULL,
    "amountMinor" INTEGER NOT NULL,
    "currency" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'creating',
    "providerRef" TEXT,
    "url" TEXT,
    "expiresAt" DATETIME,
    "lastError" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "CheckoutAttempt_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "CheckoutAttempt_invoiceId_fkey" FOREIGN KEY ("invoiceId") REFERENCES "Invoice" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_CheckoutAttempt" ("amountMinor", "createdAt", "currency", "customerId", "expiresAt", "id", "invoiceId", "lastError", "method", "organisationId", "provider", "providerRef", "status", "updatedAt", "url") SELECT c."amountMinor", c."createdAt", c."currency", i."customerId", c."expiresAt", c."id", c."invoiceId", c."lastError", c."method", c."organisationId", c."provider", c."providerRef", c."status", c."updatedAt", c."url" FROM "CheckoutAttempt" c JOIN "Invoice" i ON i."id" = c."invoiceId";
DROP TABLE "CheckoutAttempt";
ALTER TABLE "new_CheckoutAttempt" RENAME TO "CheckoutAttempt";
CREATE INDEX "CheckoutAttempt_invoiceId_provider_status_idx" ON "CheckoutAttempt"("invoiceId", "provider", "status");
CREATE INDEX "CheckoutAttempt_customerId_provider_status_idx" ON "CheckoutAttempt"("customerId", "provider", "status");
CREATE INDEX "CheckoutAttempt_provider_providerRef_idx" ON "CheckoutAttempt"("provider", "providerRef");
-- One live checkout per invoice (or per customer balance), provider and amount: a double click reuses it.
CREATE UNIQUE INDEX "CheckoutAttempt_one_live_per_amount" ON "CheckoutAttempt"("invoiceId", "provider", "amountMinor") WHERE "status" IN ('creating', 'open');
CREATE UNIQUE INDEX "CheckoutAttempt_one_live_balance_per_amount" ON "CheckoutAttempt"("customerId", "provider", "amountMinor") WHERE "invoiceId" IS NULL AND "status" IN ('creating', 'open');
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "PaymentAllocation_invoiceId_idx" ON "PaymentAllocation"("invoiceId");

-- CreateIndex
CREATE INDEX "PaymentAllocation_paymentId_idx" ON "PaymentAllocation"("paymentId");

-- Kept pages move with every write (see migration 20261122060000_content_version).
CREATE TRIGGER "Payment_content_version_insert" AFTER INSERT ON "Payment" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "Payment_content_version_update" AFTER UPDATE ON "Payment" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "Payment_content_version_delete" AFTER DELETE ON "Payment" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "CheckoutAttempt_content_version_insert" AFTER INSERT ON "CheckoutAttempt" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "CheckoutAttempt_content_version_update" AFTER UPDATE ON "CheckoutAttempt" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "CheckoutAttempt_content_version_delete" AFTER DELETE ON "CheckoutAttempt" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "PaymentAllocation_content_version_insert" AFTER INSERT ON "PaymentAllocation" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "PaymentAllocation_content_version_update" AFTER UPDATE ON "PaymentAllocation" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "PaymentAllocation_content_version_delete" AFTER DELETE ON "PaymentAllocation" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
