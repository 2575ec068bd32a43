-- AlterTable
ALTER TABLE "OutboxEmail" ADD COLUMN "secret" TEXT;

-- CreateTable
CREATE TABLE "MailboxMessage" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "idempotencyKey" TEXT NOT NULL,
    "toAddress" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "sealed" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateIndex
CREATE UNIQUE INDEX "MailboxMessage_idempotencyKey_key" ON "MailboxMessage"("idempotencyKey");

-- CreateIndex
CREATE INDEX "MailboxMessage_createdAt_idx" ON "MailboxMessage"("createdAt");


-- Emails sent (or given up) before links were sealed kept their bearer links in clear: their bodies go.
-- Subject, recipient and status stay for the sending log.
UPDATE "OutboxEmail" SET "html" = '', "text" = '', "template" = NULL
WHERE "status" IN ('sent', 'failed') AND "kind" IN ('password_reset', 'invitation', 'invoice_sent', 'invoice_reminder');
