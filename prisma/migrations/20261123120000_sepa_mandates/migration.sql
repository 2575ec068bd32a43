-- SEPA mandates (issue 15): the organisation's creditor choice and identifier, the mandates of customer
-- accounts, their insert-only history and the codes that sign them.
ALTER TABLE "Organisation" ADD COLUMN "sepaCreditor" TEXT NOT NULL DEFAULT 'gocardless';
ALTER TABLE "Organisation" ADD COLUMN "creditorIdentifier" TEXT NOT NULL DEFAULT '';

CREATE TABLE "Mandate" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "organisationId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "invoiceId" TEXT,
    "reference" TEXT NOT NULL,
    "creditorKind" TEXT NOT NULL,
    "creditorIdentifier" TEXT NOT NULL DEFAULT '',
    "creditorSnapshot" TEXT NOT NULL DEFAULT '{}',
    "encryptedIban" TEXT NOT NULL,
    "ibanLast4" TEXT NOT NULL,
    "ibanMasked" TEXT NOT NULL DEFAULT '',
    "bic" TEXT NOT NULL DEFAULT '',
    "holderName" TEXT NOT NULL,
    "debtorAddress" TEXT NOT NULL DEFAULT '{}',
    "email" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending_verification',
    "statusAt" DATETIME,
    "amountMinor" INTEGER,
    "currency" TEXT NOT NULL DEFAULT 'EUR',
    "locale" TEXT NOT NULL DEFAULT 'fr',
    "signedAt" DATETIME,
    "signatureTrace" TEXT NOT NULL DEFAULT '{}',
    "providerMandateId" TEXT,
    "providerRequestId" TEXT,
    "replacedById" TEXT,
    "cancelledAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Mandate_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "Organisation" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Mandate_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "Mandate_providerMandateId_key" ON "Mandate"("providerMandateId");
CREATE UNIQUE INDEX "Mandate_organisationId_reference_key" ON "Mandate"("organisationId", "reference");
CREATE INDEX "Mandate_organisationId_customerId_createdAt_idx" ON "Mandate"("organisationId", "customerId", "createdAt");
CREATE INDEX "Mandate_organisationId_providerRequestId_idx" ON "Mandate"("organisationId", "providerRequestId");

CREATE TABLE "MandateEvent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "organisationId" TEXT NOT NULL,
    "mandateId" TEXT NOT NULL,
    "fromStatus" TEXT,
    "status" TEXT NOT NULL,
    "origin" TEXT NOT NULL,
    "action" TEXT NOT NULL DEFAULT '',
    "note" TEXT NOT NULL DEFAULT '',
    "providerEventId" TEXT,
    "at" DATETIME NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "MandateEvent_mandateId_fkey" FOREIGN KEY ("mandateId") REFERENCES "Mandate" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "MandateEvent_providerEventId_key" ON "MandateEvent"("providerEventId");
CREATE INDEX "MandateEvent_mandateId_at_idx" ON "MandateEvent"("mandateId", "at");
-- The history is evidence: a row is never changed once written.
CREATE TRIGGER "MandateEvent_insert_only" BEFORE UPDATE ON "MandateEvent" BEGIN SELECT RAISE(ABORT, 'MandateEvent rows are insert-only'); END;

CREATE TABLE "MandateCode" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "organisationId" TEXT NOT NULL,
    "mandateId" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "destination" TEXT NOT NULL,
    "codeHash" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "expiresAt" DATETIME NOT NULL,
    "verifiedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "MandateCode_mandateId_fkey" FOREIGN KEY ("mandateId") REFERENCES "Mandate" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "MandateCode_mandateId_createdAt_idx" ON "MandateCode"("mandateId", "createdAt");

-- Mandates and their history are shown on the consultation page's mandate pages: a change renews kept pages.
-- MandateCode is never shown (excluded by name in test/unit/content-version.test.ts).
CREATE TRIGGER "Mandate_content_version_insert" AFTER INSERT ON "Mandate" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "Mandate_content_version_update" AFTER UPDATE ON "Mandate" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "Mandate_content_version_delete" AFTER DELETE ON "Mandate" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "MandateEvent_content_version_insert" AFTER INSERT ON "MandateEvent" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "MandateEvent_content_version_update" AFTER UPDATE ON "MandateEvent" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "MandateEvent_content_version_delete" AFTER DELETE ON "MandateEvent" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
