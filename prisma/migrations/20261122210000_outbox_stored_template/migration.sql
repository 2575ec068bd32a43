-- AlterTable
ALTER TABLE "OutboxEmail" ADD COLUMN "template" TEXT;

