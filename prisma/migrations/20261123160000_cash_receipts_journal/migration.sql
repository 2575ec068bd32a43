-- Issue 16, first half: the accounting settings, the draft cash-receipts journal ("brouillard d'encaissement"),
-- the posted and validated entries, and the counters that number them (docs/decisions/0018).
CREATE TABLE "AccountingSettings" (
    "organisationId" TEXT NOT NULL PRIMARY KEY,
    "entityCode" TEXT NOT NULL DEFAULT '',
    "journalCard" TEXT NOT NULL DEFAULT 'CB',
    "journalDirectDebit" TEXT NOT NULL DEFAULT 'PRL',
    "journalTransfer" TEXT NOT NULL DEFAULT 'BQ',
    "journalCheque" TEXT NOT NULL DEFAULT 'BQ',
    "journalOther" TEXT NOT NULL DEFAULT 'BQ',
    "journalSales" TEXT NOT NULL DEFAULT 'VT',
    "pieceRequired" BOOLEAN NOT NULL DEFAULT false,
    "bankAccount" TEXT NOT NULL DEFAULT '512000',
    "customerAccount" TEXT NOT NULL DEFAULT '411000',
    "customerAuxPrefix" TEXT NOT NULL DEFAULT '411',
    "customerAuxSource" TEXT NOT NULL DEFAULT 'generated',
    "salesServicesAccount" TEXT NOT NULL DEFAULT '706000',
    "salesGoodsAccount" TEXT NOT NULL DEFAULT '707000',
    "vatAccountPrefix" TEXT NOT NULL DEFAULT '44571',
    "vatAccounts" TEXT NOT NULL DEFAULT '{}',
    "validatorId" TEXT,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "AccountingSettings_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "Organisation" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

CREATE TABLE "CustomerLedgerAccount" (
    "customerId" TEXT NOT NULL PRIMARY KEY,
    "organisationId" TEXT NOT NULL,
    "auxNumber" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "CustomerLedgerAccount_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "CustomerLedgerAccount_organisationId_auxNumber_key" ON "CustomerLedgerAccount"("organisationId", "auxNumber");

CREATE TABLE "AccountingCounter" (
    "organisationId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "last" INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY ("organisationId", "name")
);

CREATE TABLE "JournalEntry" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "organisationId" TEXT NOT NULL,
    "journalCode" TEXT NOT NULL,
    "journalLabel" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "date" DATETIME NOT NULL,
    "label" TEXT NOT NULL,
    "pieceRef" TEXT NOT NULL,
    "pieceDate" DATETIME NOT NULL,
    "currency" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "sourceKey" TEXT,
    "reversesId" TEXT,
    "postedById" TEXT,
    "postedAt" DATETIME NOT NULL,
    "validatedAt" DATETIME,
    "validatedById" TEXT,
    CONSTRAINT "JournalEntry_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "Organisation" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "JournalEntry_reversesId_fkey" FOREIGN KEY ("reversesId") REFERENCES "JournalEntry" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "JournalEntry_reversesId_key" ON "JournalEntry"("reversesId");
CREATE UNIQUE INDEX "JournalEntry_organisationId_journalCode_number_key" ON "JournalEntry"("organisationId", "journalCode", "number");
CREATE UNIQUE INDEX "JournalEntry_organisationId_sourceKey_key" ON "JournalEntry"("organisationId", "sourceKey");
CREATE INDEX "JournalEntry_organisationId_validatedAt_idx" ON "JournalEntry"("organisationId", "validatedAt");
CREATE INDEX "JournalEntry_organisationId_date_idx" ON "JournalEntry"("organisationId", "date");

CREATE TABLE "JournalLine" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "organisationId" TEXT NOT NULL,
    "entryId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "accountNumber" TEXT NOT NULL,
    "accountLabel" TEXT NOT NULL,
    "auxNumber" TEXT NOT NULL DEFAULT '',
    "auxLabel" TEXT NOT NULL DEFAULT '',
    "label" TEXT NOT NULL,
    "debitMinor" INTEGER NOT NULL DEFAULT 0,
    "creditMinor" INTEGER NOT NULL DEFAULT 0,
    "customerId" TEXT,
    CONSTRAINT "JournalLine_entryId_fkey" FOREIGN KEY ("entryId") REFERENCES "JournalEntry" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
CREATE INDEX "JournalLine_entryId_position_idx" ON "JournalLine"("entryId", "position");

CREATE TABLE "CashReceiptLine" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "organisationId" TEXT NOT NULL,
    "sourceKey" TEXT NOT NULL,
    "origin" TEXT NOT NULL,
    "sourceType" TEXT NOT NULL,
    "sourceId" TEXT NOT NULL,
    "customerId" TEXT,
    "method" TEXT NOT NULL,
    "date" DATETIME NOT NULL,
    "amountMinor" INTEGER NOT NULL,
    "currency" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "reference" TEXT NOT NULL DEFAULT '',
    "recordedById" TEXT,
    "entryId" TEXT,
    "postedById" TEXT,
    "notifiedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "CashReceiptLine_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "Organisation" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "CashReceiptLine_entryId_fkey" FOREIGN KEY ("entryId") REFERENCES "JournalEntry" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "CashReceiptLine_organisationId_sourceKey_key" ON "CashReceiptLine"("organisationId", "sourceKey");
CREATE INDEX "CashReceiptLine_organisationId_entryId_date_idx" ON "CashReceiptLine"("organisationId", "entryId", "date");
CREATE INDEX "CashReceiptLine_organisationId_notifiedAt_idx" ON "CashReceiptLine"("organisationId", "notifiedAt");

-- Accounting history is insert-only. A validated entry never changes and is never deleted (a reversal is a
-- new entry); a posted one only gets its validation; its lines never change; no entry is validated unbalanced.
CREATE TRIGGER "JournalEntry_validated_immutable" BEFORE UPDATE ON "JournalEntry" WHEN OLD."validatedAt" IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'validated entries never change: reverse them with a new entry'); END;
CREATE TRIGGER "JournalEntry_posted_fixed" BEFORE UPDATE OF "organisationId", "journalCode", "journalLabel", "number", "date", "label", "pieceRef", "pieceDate", "currency", "kind", "sourceKey", "reversesId", "postedById", "postedAt" ON "JournalEntry"
BEGIN SELECT RAISE(ABORT, 'posted entries never change: reverse them with a new entry'); END;
CREATE TRIGGER "JournalEntry_validated_balanced" BEFORE UPDATE OF "validatedAt" ON "JournalEntry"
WHEN NEW."validatedAt" IS NOT NULL AND (
  (SELECT COUNT(*) FROM "JournalLine" WHERE "entryId" = NEW."id") < 2
  OR (SELECT SUM("debitMinor") - SUM("creditMinor") FROM "JournalLine" WHERE "entryId" = NEW."id") <> 0
)
BEGIN SELECT RAISE(ABORT, 'an entry is validated only when balanced'); END;
CREATE TRIGGER "JournalEntry_never_deleted" BEFORE DELETE ON "JournalEntry"
BEGIN SELECT RAISE(ABORT, 'journal entries are never deleted: reverse them with a new entry'); END;
CREATE TRIGGER "JournalLine_immutable" BEFORE UPDATE ON "JournalLine"
BEGIN SELECT RAISE(ABORT, 'journal lines never change'); END;
CREATE TRIGGER "JournalLine_never_deleted" BEFORE DELETE ON "JournalLine"
BEGIN SELECT RAISE(ABORT, 'journal lines are never deleted'); END;
CREATE TRIGGER "JournalLine_not_into_validated" BEFORE INSERT ON "JournalLine"
WHEN (SELECT "validatedAt" FROM "JournalEntry" WHERE "id" = NEW."entryId") IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'validated entries never change'); END;
-- A draft line is a fact about money received: only its posting (once) and its notice are ever recorded on it.
CREATE TRIGGER "CashReceiptLine_fixed" BEFORE UPDATE OF "organisationId", "sourceKey", "origin", "sourceType", "sourceId", "customerId", "method", "date", "amountMinor", "currency", "label", "reference", "recordedById" ON "CashReceiptLine"
BEGIN SELECT RAISE(ABORT, 'draft journal lines never change: a counter-line corrects them'); END;
CREATE TRIGGER "CashReceiptLine_posted_once" BEFORE UPDATE OF "entryId" ON "CashReceiptLine" WHEN OLD."entryId" IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a posted line stays in its entry'); END;
CREATE TRIGGER "CashReceiptLine_never_deleted" BEFORE DELETE ON "CashReceiptLine"
BEGIN SELECT RAISE(ABORT, 'draft journal lines are never deleted: a counter-line corrects them'); END;
