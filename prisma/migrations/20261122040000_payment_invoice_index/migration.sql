-- Payments are read by invoice alone (public page, invoice page, amounts recomputed from payments).
CREATE INDEX "Payment_invoiceId_idx" ON "Payment"("invoiceId");
