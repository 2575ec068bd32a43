-- AlterTable
ALTER TABLE "Invoice" ADD COLUMN "sentAt" DATETIME;

-- CreateTable
CREATE TABLE "InvoiceLink" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "organisationId" TEXT NOT NULL,
    "invoiceId" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "encryptedToken" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revokedAt" DATETIME,
    CONSTRAINT "InvoiceLink_invoiceId_fkey" FOREIGN KEY ("invoiceId") REFERENCES "Invoice" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "CheckoutAttempt" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "organisationId" TEXT NOT NULL,
    "invoiceId" TEXT NOT NULL,
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
    CONSTRAINT "CheckoutAttempt_invoiceId_fkey" FOREIGN KEY ("invoiceId") REFERENCES "Invoice" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "InvoiceLink_tokenHash_key" ON "InvoiceLink"("tokenHash");

-- CreateIndex
CREATE INDEX "InvoiceLink_invoiceId_idx" ON "InvoiceLink"("invoiceId");

-- CreateIndex
CREATE INDEX "CheckoutAttempt_invoiceId_provider_status_idx" ON "CheckoutAttempt"("invoiceId", "provider", "status");

-- CreateIndex
CREATE INDEX "CheckoutAttempt_provider_providerRef_idx" ON "CheckoutAttempt"("provider", "providerRef");


-- One live checkout per invoice, provider and amount: a second tab reuses it instead of opening another.
CREATE UNIQUE INDEX "CheckoutAttempt_one_live_per_amount" ON "CheckoutAttempt"("invoiceId", "provider", "amountMinor") WHERE "status" IN ('creating', 'open');
