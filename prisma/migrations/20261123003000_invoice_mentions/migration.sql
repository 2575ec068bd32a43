-- The mentions of décret 2022-1299 and the VAT exemption mention (columns added in place: rebuilding a
-- table would drop its content-version and status-count triggers).

-- AlterTable
ALTER TABLE "Organisation" ADD COLUMN "operationNature" TEXT NOT NULL DEFAULT 'services';
ALTER TABLE "Organisation" ADD COLUMN "vatOnDebits" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "Organisation" ADD COLUMN "vatExemptionDefault" TEXT NOT NULL DEFAULT '';

-- AlterTable
ALTER TABLE "Customer" ADD COLUMN "siren" TEXT NOT NULL DEFAULT '';
ALTER TABLE "Customer" ADD COLUMN "vatNumber" TEXT NOT NULL DEFAULT '';
ALTER TABLE "Customer" ADD COLUMN "deliveryAddressLine1" TEXT NOT NULL DEFAULT '';
ALTER TABLE "Customer" ADD COLUMN "deliveryAddressLine2" TEXT NOT NULL DEFAULT '';
ALTER TABLE "Customer" ADD COLUMN "deliveryPostalCode" TEXT NOT NULL DEFAULT '';
ALTER TABLE "Customer" ADD COLUMN "deliveryCity" TEXT NOT NULL DEFAULT '';
ALTER TABLE "Customer" ADD COLUMN "deliveryCountry" TEXT NOT NULL DEFAULT '';

-- AlterTable
ALTER TABLE "Invoice" ADD COLUMN "operationNature" TEXT NOT NULL DEFAULT 'services';
ALTER TABLE "Invoice" ADD COLUMN "vatExemption" TEXT NOT NULL DEFAULT '';

-- Until now an invoice of a seller without a VAT number whose lines were all at 0 % was printed with
-- "TVA non applicable, art. 293 B du CGI". That mention is now chosen, per organisation (default) and per
-- invoice: organisations without a VAT number start with it, and so do their drafts whose lines are all at 0 %.
UPDATE "Organisation" SET "vatExemptionDefault" = 'franchise' WHERE "vatNumber" = '';
UPDATE "Invoice" SET "vatExemption" = 'franchise'
WHERE "status" = 'draft'
  AND "organisationId" IN (SELECT "id" FROM "Organisation" WHERE "vatNumber" = '')
  AND NOT EXISTS (SELECT 1 FROM "InvoiceLine" l WHERE l."invoiceId" = "Invoice"."id" AND l."vatRateBasisPoints" <> 0);
