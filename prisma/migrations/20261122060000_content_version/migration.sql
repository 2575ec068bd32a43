-- CreateTable
CREATE TABLE "ContentVersion" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT DEFAULT 1,
    "version" INTEGER NOT NULL DEFAULT 0
);

INSERT INTO "ContentVersion" ("id", "version") VALUES (1, 0);

-- Every write to a table whose rows a page may show moves the version (the kept consultation pages depend on it).
-- Left out: Session, LoginThrottle, OAuthState, WebhookEvent, OutboxEmail, Notification, ScheduledRun (never on a public page).
CREATE TRIGGER "CheckoutAttempt_content_version_insert" AFTER INSERT ON "CheckoutAttempt" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "CheckoutAttempt_content_version_update" AFTER UPDATE ON "CheckoutAttempt" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "CheckoutAttempt_content_version_delete" AFTER DELETE ON "CheckoutAttempt" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "Customer_content_version_insert" AFTER INSERT ON "Customer" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "Customer_content_version_update" AFTER UPDATE ON "Customer" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "Customer_content_version_delete" AFTER DELETE ON "Customer" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "Invitation_content_version_insert" AFTER INSERT ON "Invitation" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "Invitation_content_version_update" AFTER UPDATE ON "Invitation" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "Invitation_content_version_delete" AFTER DELETE ON "Invitation" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "Invoice_content_version_insert" AFTER INSERT ON "Invoice" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "Invoice_content_version_update" AFTER UPDATE ON "Invoice" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "Invoice_content_version_delete" AFTER DELETE ON "Invoice" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "InvoiceLine_content_version_insert" AFTER INSERT ON "InvoiceLine" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "InvoiceLine_content_version_update" AFTER UPDATE ON "InvoiceLine" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "InvoiceLine_content_version_delete" AFTER DELETE ON "InvoiceLine" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "InvoiceLink_content_version_insert" AFTER INSERT ON "InvoiceLink" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "InvoiceLink_content_version_update" AFTER UPDATE ON "InvoiceLink" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "InvoiceLink_content_version_delete" AFTER DELETE ON "InvoiceLink" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "Membership_content_version_insert" AFTER INSERT ON "Membership" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "Membership_content_version_update" AFTER UPDATE ON "Membership" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "Membership_content_version_delete" AFTER DELETE ON "Membership" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "Organisation_content_version_insert" AFTER INSERT ON "Organisation" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "Organisation_content_version_update" AFTER UPDATE ON "Organisation" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "Organisation_content_version_delete" AFTER DELETE ON "Organisation" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "PasswordResetToken_content_version_insert" AFTER INSERT ON "PasswordResetToken" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "PasswordResetToken_content_version_update" AFTER UPDATE ON "PasswordResetToken" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "PasswordResetToken_content_version_delete" AFTER DELETE ON "PasswordResetToken" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "Payment_content_version_insert" AFTER INSERT ON "Payment" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "Payment_content_version_update" AFTER UPDATE ON "Payment" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "Payment_content_version_delete" AFTER DELETE ON "Payment" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "ProviderConnection_content_version_insert" AFTER INSERT ON "ProviderConnection" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "ProviderConnection_content_version_update" AFTER UPDATE ON "ProviderConnection" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "ProviderConnection_content_version_delete" AFTER DELETE ON "ProviderConnection" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "User_content_version_insert" AFTER INSERT ON "User" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "User_content_version_update" AFTER UPDATE ON "User" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
CREATE TRIGGER "User_content_version_delete" AFTER DELETE ON "User" BEGIN UPDATE "ContentVersion" SET "version" = "version" + 1 WHERE "id" = 1; END;
