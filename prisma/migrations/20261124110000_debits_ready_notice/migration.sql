-- Issue 16: the books' contact is told once when own-ICS debits are ready for a bank debit file.
ALTER TABLE "DebitRequest" ADD COLUMN "readyToldAt" DATETIME;
