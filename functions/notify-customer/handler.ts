import { correlationIdFromEventBridge, validCorrelationId } from "../shared/correlation";
import { parseContract } from "../shared/errors";
import { countBusiness, instrument, logger } from "../shared/observability";
import { eventSchema, type NotifyCustomerResult } from "./contract";

/**
 * Tells the customer their order shipped. An event that breaks the contract throws a
 * ContractError naming each bad field: EventBridge retries the asynchronous invoke, then the
 * failure is visible in the function's error metric and its on-failure destination.
 */
export const handler = instrument<unknown, NotifyCustomerResult>(
  // Without a correlation id in the detail, the EventBridge event id still ties the log lines together.
  (event) => correlationIdFromEventBridge(event) ?? validCorrelationId((event as { id?: unknown } | null)?.id),
  async (event) => {
    const { detail, id } = parseContract(eventSchema, event, "notify-customer: the OrderFulfilled event");
    const result: NotifyCustomerResult = {
      orderId: detail.data.orderId,
      customerId: detail.data.customerId,
      channel: "log",
      template: "order-fulfilled",
      notifiedAt: new Date().toISOString(),
    };
    logger.info("Customer notified", { ...result, eventId: id, totalCents: detail.data.totalCents, currency: detail.data.currency });
    countBusiness("CustomersNotified");
    return result;
  },
);
