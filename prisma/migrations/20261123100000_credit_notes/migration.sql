-- Credit notes (factures d'avoir, issue 14): their own gapless series per organisation, the credit notes and
-- their lines (frozen when issued), and their allocations to invoices. Only ever inserted.
ALTER TABLE "Organisation" ADD COLUMN "creditNoteNumberFormat" TEXT NOT NULL DEFAULT 'AV{YYYY}-{SEQ}';
ALTER TABLE "Organisation" ADD COLUMN "lastCreditNoteSequence" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "Invoice" ADD COLUMN "amountCreditedMinor" INTEGER NOT NULL DEFAULT 0;

CREATE TABLE "CreditNote" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "organisationId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "invoiceId" TEXT NOT NULL,
    "number" TEXT NOT NULL,
    "sequence" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "currency" TEXT NOT NULL,
    "issueDate" DATETIME NOT NULL,
    "subtotalMinor" INTEGER NOT NULL,
    "taxMinor" INTEGER NOT NULL,
    "totalMinor" INTEGER NOT NULL,
    "partiesSnapshot" TEXT NOT NULL,
    "issuedById" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "CreditNote_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "Organisation" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "CreditNote_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "CreditNote_invoiceId_fkey" FOREIGN KEY ("invoiceId") REFERENCES "Invoice" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "CreditNote_issuedById_fkey" FOREIGN KEY ("issuedById") REFERENCES "User" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "CreditNote_organisationId_number_key" ON "CreditNote"("organisationId", "number");
CREATE UNIQUE INDEX "CreditNote_organisationId_sequence_key" ON "CreditNote"("organisationId", "sequence");
CREATE INDEX "CreditNote_organisationId_invoiceId_idx" ON "CreditNote"("organisationId", "invoiceId");
CREATE INDEX "CreditNote_organisationId_customerId_createdAt_idx" ON "CreditNote"("organisationId", "customerId", "createdAt");

CREATE TABLE "CreditNoteLine" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "creditNoteId" TEXT NOT NULL,
    "invoiceLineId" TEXT,
    "position" INTEGER NOT NULL,
    "description" TEXT NOT NULL,
    "quantityThousandths" INTEGER NOT NULL,
    "unitPriceMinor" INTEGER NOT NULL,
    "vatRateBasisPoints" INTEGER NOT NULL,
    "totalMinor" INTEGER NOT NULL,
    CONSTRAINT "CreditNoteLine_creditNoteId_fkey" FOREIGN KEY ("creditNoteId") REFERENCES "CreditNote" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "CreditNoteLine_creditNoteId_position_idx" ON "CreditNoteLine"("creditNoteId", "position");

CREATE TABLE "CreditNoteAllocation" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "organisationId" TEXT NOT NULL,
    "creditNoteId" TEXT NOT NULL,
    "invoiceId" TEXT NOT NULL,
    "amountMinor" INTEGER NOT NULL,
    "currency" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "CreditNoteAllocation_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "Organisation" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "CreditNoteAllocation_creditNoteId_fkey" FOREIGN KEY ("creditNoteId") REFERENCES "CreditNote" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "CreditNoteAllocation_invoiceId_fkey" FOREIGN KEY ("invoiceId") REFERENCES "Invoice" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
CREATE INDEX "CreditNoteAllocation_invoiceId_idx" ON "CreditNoteAllocation"("invoiceId");
CREATE INDEX "CreditNoteAllocation_creditNoteId_idx" ON "CreditNoteAllocation"("creditNoteId");

-- Issued means final: a credit note, its lines and its allocations are never changed (a correction is a new row).
-- Deletes are left to the organisation's cascade.
CREATE TRIGGER "CreditNote_immutable" BEFORE UPDATE ON "CreditNote" BEGIN SELECT RAISE(ABORT, 'credit notes are never changed once issued'); END;
CREATE TRIGGER "CreditNoteLine_immutable" BEFORE UPDATE ON "CreditNoteLine" BEGIN SELECT RAISE(ABORT, 'credit notes are never changed once issued'); END;
CREATE TRIGGER "CreditNoteAllocation_immutable" BEFORE UPDATE ON "CreditNoteAllocation" BEGIN SELECT RAISE(ABORT, 'allocations are never changed: insert a counter-entry'); END;

-- Credit notes show on the invoice's consultation page and change its amounts: a change renews its kept bytes.
CREATE TRIGGER "CreditNote_content_version_insert" AFTER INSERT ON "CreditNote" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "CreditNote_content_version_update" AFTER UPDATE ON "CreditNote" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "CreditNote_content_version_delete" AFTER DELETE ON "CreditNote" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "CreditNoteLine_content_version_insert" AFTER INSERT ON "CreditNoteLine" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "CreditNoteLine_content_version_update" AFTER UPDATE ON "CreditNoteLine" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "CreditNoteLine_content_version_delete" AFTER DELETE ON "CreditNoteLine" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "CreditNoteAllocation_content_version_insert" AFTER INSERT ON "CreditNoteAllocation" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "CreditNoteAllocation_content_version_update" AFTER UPDATE ON "CreditNoteAllocation" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "CreditNoteAllocation_content_version_delete" AFTER DELETE ON "CreditNoteAllocation" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
