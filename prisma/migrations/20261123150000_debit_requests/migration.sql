-- Automatic debit (issue 15, docs/decisions/0020-automatic-debit.md): the notice the merchant agreed with its
-- customers, the instalment option chosen on a mandate, what must be debited and its insert-only history.
ALTER TABLE "Organisation" ADD COLUMN "debitNoticeDays" INTEGER NOT NULL DEFAULT 14;
ALTER TABLE "Mandate" ADD COLUMN "spreadOver" INTEGER NOT NULL DEFAULT 0;

CREATE TABLE "DebitRequest" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "organisationId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "mandateId" TEXT NOT NULL,
    "invoiceId" TEXT,
    "kind" TEXT NOT NULL,
    "dedupeKey" TEXT NOT NULL,
    "creditorKind" TEXT NOT NULL,
    "amountMinor" INTEGER NOT NULL,
    "currency" TEXT NOT NULL,
    "collectionDate" DATETIME NOT NULL,
    "notifyOn" DATETIME NOT NULL,
    "sequenceType" TEXT NOT NULL DEFAULT '',
    "status" TEXT NOT NULL DEFAULT 'scheduled',
    "statusAt" DATETIME NOT NULL,
    "notifiedAt" DATETIME,
    "submittedAt" DATETIME,
    "submittedInFileId" TEXT,
    "providerPaymentId" TEXT,
    "providerScheduleId" TEXT,
    "instalmentNumber" INTEGER,
    "instalmentCount" INTEGER,
    "failureReason" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "DebitRequest_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "Organisation" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "DebitRequest_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "DebitRequest_mandateId_fkey" FOREIGN KEY ("mandateId") REFERENCES "Mandate" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "DebitRequest_invoiceId_fkey" FOREIGN KEY ("invoiceId") REFERENCES "Invoice" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "DebitRequest_organisationId_dedupeKey_key" ON "DebitRequest"("organisationId", "dedupeKey");
CREATE INDEX "DebitRequest_organisationId_status_collectionDate_idx" ON "DebitRequest"("organisationId", "status", "collectionDate");
CREATE INDEX "DebitRequest_organisationId_customerId_collectionDate_idx" ON "DebitRequest"("organisationId", "customerId", "collectionDate");
CREATE INDEX "DebitRequest_status_notifyOn_idx" ON "DebitRequest"("status", "notifyOn");
CREATE INDEX "DebitRequest_providerPaymentId_idx" ON "DebitRequest"("providerPaymentId");
CREATE INDEX "DebitRequest_providerScheduleId_idx" ON "DebitRequest"("providerScheduleId");

CREATE TABLE "DebitRequestEvent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "organisationId" TEXT NOT NULL,
    "debitRequestId" TEXT NOT NULL,
    "fromStatus" TEXT,
    "status" TEXT NOT NULL,
    "note" TEXT NOT NULL DEFAULT '',
    "at" DATETIME NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "DebitRequestEvent_debitRequestId_fkey" FOREIGN KEY ("debitRequestId") REFERENCES "DebitRequest" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "DebitRequestEvent_debitRequestId_at_idx" ON "DebitRequestEvent"("debitRequestId", "at");
CREATE TRIGGER "DebitRequestEvent_insert_only" BEFORE UPDATE ON "DebitRequestEvent" BEGIN SELECT RAISE(ABORT, 'DebitRequestEvent rows are insert-only'); END;

-- Upcoming collections are shown on the customer space and the merchant's pages: a change renews kept pages.
CREATE TRIGGER "DebitRequest_content_version_insert" AFTER INSERT ON "DebitRequest" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "DebitRequest_content_version_update" AFTER UPDATE ON "DebitRequest" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "DebitRequest_content_version_delete" AFTER DELETE ON "DebitRequest" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "DebitRequestEvent_content_version_insert" AFTER INSERT ON "DebitRequestEvent" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "DebitRequestEvent_content_version_update" AFTER UPDATE ON "DebitRequestEvent" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "DebitRequestEvent_content_version_delete" AFTER DELETE ON "DebitRequestEvent" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
