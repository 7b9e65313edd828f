import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from "@aws-sdk/client-eventbridge";
import { EVENT_SOURCE, type DetailType, type EventMetadata } from "./events";

/** An event to put on the bus; the publisher adds `source`, the bus and `detail.metadata`. */
export interface OutgoingEvent {
  readonly detailType: DetailType;
  readonly data: unknown;
  readonly correlationId: string;
}

export type PublishOutcome =
  | { readonly ok: true; readonly event: OutgoingEvent; readonly eventId: string }
  | { readonly ok: false; readonly event: OutgoingEvent; readonly errorCode: string; readonly errorMessage: string };

/** PutEvents refused an entry (or the call failed). Its message names the detail type and the AWS error. */
export class PublishError extends Error {
  override readonly name = "PublishError";
}

/** PutEvents accepts at most 10 entries per call. */
const MAX_ENTRIES_PER_CALL = 10;

/**
 * Puts events on the stack's custom bus with `detail = { metadata: { correlationId, version }, data }`.
 * PutEvents answers 200 even when entries fail, so every call's `FailedEntryCount` is checked
 * and each entry gets its own outcome.
 */
export class EventPublisher {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly busName: () => string,
  ) {}

  entry(event: OutgoingEvent): PutEventsRequestEntry {
    const metadata: EventMetadata = { correlationId: event.correlationId, version: 1 };
    return {
      EventBusName: this.busName(),
      Source: EVENT_SOURCE,
      DetailType: event.detailType,
      Detail: JSON.stringify({ metadata, data: event.data }),
    };
  }

  /** Publishes every event, in calls of up to 10; one outcome per event, in order. */
  async publish(events: readonly OutgoingEvent[]): Promise<PublishOutcome[]> {
    const outcomes: PublishOutcome[] = [];
    for (let start = 0; start < events.length; start += MAX_ENTRIES_PER_CALL) {
      const chunk = events.slice(start, start + MAX_ENTRIES_PER_CALL);
      let response;
      try {
        response = await this.client.send(new PutEventsCommand({ Entries: chunk.map((e) => this.entry(e)) }));
      } catch (error) {
        throw new PublishError(`PutEvents to bus "${this.busName()}" failed: ${(error as Error).message}`, { cause: error });
      }
      const chunkOutcomes = chunk.map((event, i): PublishOutcome => {
        const result = response.Entries?.[i];
        if (result?.EventId && !result.ErrorCode) return { ok: true, event, eventId: result.EventId };
        return {
          ok: false,
          event,
          errorCode: result?.ErrorCode ?? "MissingEntry",
          errorMessage: result?.ErrorMessage ?? "PutEvents returned no result for this entry",
        };
      });
      const reported = response.FailedEntryCount ?? 0;
      const seen = chunkOutcomes.filter((o) => !o.ok).length;
      // The count and the entries disagree: trust neither, treat the whole call as failed.
      if (reported > seen)
        outcomes.push(...chunk.map((event): PublishOutcome => ({ ok: false, event, errorCode: "FailedEntryCount", errorMessage: `PutEvents reported ${reported} failed entries but marked ${seen}` })));
      else outcomes.push(...chunkOutcomes);
    }
    return outcomes;
  }

  /** Publishes one event and returns its EventBridge id; throws PublishError if it was not accepted. */
  async publishOne(event: OutgoingEvent): Promise<string> {
    const [outcome] = await this.publish([event]);
    if (!outcome.ok)
      throw new PublishError(`PutEvents refused ${event.detailType} on bus "${this.busName()}": ${outcome.errorCode}: ${outcome.errorMessage}`);
    return outcome.eventId;
  }
}
