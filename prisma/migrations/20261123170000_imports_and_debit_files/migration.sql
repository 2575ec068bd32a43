-- Issue 16 (docs/decisions/0021-imports-and-debit-files.md): imported payment files, SEPA debit files, provider checks.

ALTER TABLE "CustomerReceipt" ADD COLUMN "origin" TEXT NOT NULL DEFAULT 'manual';
ALTER TABLE "CustomerReceipt" ADD COLUMN "importLineId" TEXT REFERENCES "ImportLine" ("id") ON DELETE RESTRICT ON UPDATE CASCADE;
CREATE UNIQUE INDEX "CustomerReceipt_importLineId_key" ON "CustomerReceipt"("importLineId");

CREATE TABLE "ImportMapping" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "organisationId" TEXT NOT NULL,
    "dateColumn" TEXT NOT NULL,
    "amountColumn" TEXT NOT NULL,
    "referenceColumn" TEXT NOT NULL,
    "payerColumn" TEXT NOT NULL DEFAULT '',
    "customerRefColumn" TEXT NOT NULL DEFAULT '',
    "decimal" TEXT NOT NULL DEFAULT 'auto',
    "method" TEXT NOT NULL DEFAULT 'other',
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "ImportMapping_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "Organisation" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "ImportMapping_organisationId_key" ON "ImportMapping"("organisationId");

CREATE TABLE "ImportFile" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "organisationId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "fileName" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "sizeBytes" INTEGER NOT NULL,
    "encoding" TEXT NOT NULL DEFAULT 'utf-8',
    "sealedContent" TEXT NOT NULL,
    "uploadedById" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ImportFile_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "Organisation" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "ImportFile_organisationId_sha256_key" ON "ImportFile"("organisationId", "sha256");
CREATE INDEX "ImportFile_organisationId_createdAt_idx" ON "ImportFile"("organisationId", "createdAt");

CREATE TABLE "ImportLine" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "organisationId" TEXT NOT NULL,
    "importFileId" TEXT NOT NULL,
    "lineNo" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "bookedOn" DATETIME NOT NULL,
    "amountMinor" INTEGER NOT NULL,
    "currency" TEXT NOT NULL,
    "reference" TEXT NOT NULL DEFAULT '',
    "payerName" TEXT NOT NULL DEFAULT '',
    "customerRef" TEXT NOT NULL DEFAULT '',
    "endToEndId" TEXT NOT NULL DEFAULT '',
    "returnReason" TEXT NOT NULL DEFAULT '',
    "customerId" TEXT,
    "invoiceId" TEXT,
    "matchedBy" TEXT NOT NULL DEFAULT 'none',
    "status" TEXT NOT NULL DEFAULT 'pending',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ImportLine_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "Organisation" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ImportLine_importFileId_fkey" FOREIGN KEY ("importFileId") REFERENCES "ImportFile" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "ImportLine_importFileId_lineNo_key" ON "ImportLine"("importFileId", "lineNo");
CREATE INDEX "ImportLine_organisationId_status_idx" ON "ImportLine"("organisationId", "status");
CREATE INDEX "ImportLine_organisationId_endToEndId_idx" ON "ImportLine"("organisationId", "endToEndId");

CREATE TABLE "DebitFile" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "organisationId" TEXT NOT NULL,
    "messageId" TEXT NOT NULL,
    "format" TEXT NOT NULL,
    "sealedXml" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "transactionCount" INTEGER NOT NULL,
    "controlSumMinor" INTEGER NOT NULL,
    "currency" TEXT NOT NULL,
    "createdById" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "DebitFile_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "Organisation" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "DebitFile_messageId_key" ON "DebitFile"("messageId");
CREATE INDEX "DebitFile_organisationId_createdAt_idx" ON "DebitFile"("organisationId", "createdAt");

CREATE TABLE "DebitFileLine" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "organisationId" TEXT NOT NULL,
    "debitFileId" TEXT NOT NULL,
    "sourceKey" TEXT NOT NULL,
    "endToEndId" TEXT NOT NULL,
    "mandateReference" TEXT NOT NULL,
    "debtorName" TEXT NOT NULL,
    "amountMinor" INTEGER NOT NULL,
    "currency" TEXT NOT NULL,
    "sequenceType" TEXT NOT NULL,
    "collectionDate" DATETIME NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "DebitFileLine_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "Organisation" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "DebitFileLine_debitFileId_fkey" FOREIGN KEY ("debitFileId") REFERENCES "DebitFile" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "DebitFileLine_organisationId_sourceKey_key" ON "DebitFileLine"("organisationId", "sourceKey");
CREATE INDEX "DebitFileLine_organisationId_endToEndId_idx" ON "DebitFileLine"("organisationId", "endToEndId");

CREATE TABLE "ProviderCheck" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "organisationId" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "lastSuccessAt" DATETIME,
    "lastRunAt" DATETIME,
    "lastError" TEXT,
    "newCount" INTEGER NOT NULL DEFAULT 0,
    "updatedCount" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "ProviderCheck_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "Organisation" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "ProviderCheck_organisationId_provider_key" ON "ProviderCheck"("organisationId", "provider");

-- Imported files and debit files are archives: never changed nor deleted once written (except with their organisation).
CREATE TRIGGER "ImportFile_no_update" BEFORE UPDATE ON "ImportFile" BEGIN SELECT RAISE(ABORT, 'an imported file is kept as it was received'); END;
CREATE TRIGGER "DebitFile_no_update" BEFORE UPDATE ON "DebitFile" BEGIN SELECT RAISE(ABORT, 'a generated debit file never changes'); END;
CREATE TRIGGER "DebitFileLine_no_update" BEFORE UPDATE ON "DebitFileLine" BEGIN SELECT RAISE(ABORT, 'a debit file line never changes'); END;

-- Content version (migration 20261122060000_content_version): pages show these tables.
CREATE TRIGGER "ImportMapping_content_version_insert" AFTER INSERT ON "ImportMapping" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "ImportMapping_content_version_update" AFTER UPDATE ON "ImportMapping" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "ImportMapping_content_version_delete" AFTER DELETE ON "ImportMapping" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "ImportFile_content_version_insert" AFTER INSERT ON "ImportFile" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "ImportFile_content_version_update" AFTER UPDATE ON "ImportFile" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "ImportFile_content_version_delete" AFTER DELETE ON "ImportFile" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "ImportLine_content_version_insert" AFTER INSERT ON "ImportLine" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "ImportLine_content_version_update" AFTER UPDATE ON "ImportLine" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "ImportLine_content_version_delete" AFTER DELETE ON "ImportLine" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "DebitFile_content_version_insert" AFTER INSERT ON "DebitFile" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "DebitFile_content_version_update" AFTER UPDATE ON "DebitFile" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "DebitFile_content_version_delete" AFTER DELETE ON "DebitFile" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "DebitFileLine_content_version_insert" AFTER INSERT ON "DebitFileLine" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "DebitFileLine_content_version_update" AFTER UPDATE ON "DebitFileLine" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "DebitFileLine_content_version_delete" AFTER DELETE ON "DebitFileLine" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "ProviderCheck_content_version_insert" AFTER INSERT ON "ProviderCheck" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "ProviderCheck_content_version_update" AFTER UPDATE ON "ProviderCheck" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "ProviderCheck_content_version_delete" AFTER DELETE ON "ProviderCheck" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
