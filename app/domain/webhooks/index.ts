export { createEventInbox, type Delivery, type EventInbox, lastDeliveryAt, storeDeliveries } from "./inbox";
export { handleEvent, type WebhookDeps } from "./handlers";
export { listWebhookEvents, MAX_WEBHOOK_ATTEMPTS, processDueEvents, reprocessEvent, webhookBackoffMs } from "./queue";
