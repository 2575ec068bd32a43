-- AlterTable
ALTER TABLE "Invitation" ADD COLUMN "declinedAt" DATETIME;

-- CreateIndex
CREATE INDEX "Invitation_email_idx" ON "Invitation"("email");

