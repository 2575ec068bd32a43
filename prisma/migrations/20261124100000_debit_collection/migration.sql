-- Issue 16: an own-ICS debit put in a bank file is recorded as collected on its collection date (a receipt
-- keyed by its request, once), and a bank return or a reject entered by hand reverses it.
ALTER TABLE "CustomerReceipt" ADD COLUMN "debitRequestId" TEXT REFERENCES "DebitRequest" ("id") ON DELETE RESTRICT ON UPDATE CASCADE;
CREATE UNIQUE INDEX "CustomerReceipt_debitRequestId_key" ON "CustomerReceipt"("debitRequestId");
