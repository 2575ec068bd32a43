-- Issue 16: a line already imported in an earlier file (overlapping bank exports) waits for a person instead of being recorded twice.
ALTER TABLE "ImportLine" ADD COLUMN "duplicateOfId" TEXT;
CREATE INDEX "ImportLine_organisationId_bookedOn_amountMinor_idx" ON "ImportLine"("organisationId", "bookedOn", "amountMinor");
