/**
 * Sends reviews to the model in batches. A batch the model cannot answer well
 * (BatchProblem) is halved and retried, down to one review, which is then
 * counted as failed; any other error (OpenAI down, key refused) stops the
 * stage, keeping what earlier batches saved.
 */
import type { Logger } from "pino";
import { BatchProblem } from "../openai/chat-client.js";
import { throwIfStopped } from "../http/sleep.js";

export interface BatchTally {
  /** Reviews whose result was saved. */
  saved: number;
  /** Reviews given up on in this run (counted against them in the database). */
  failed: number;
  /** Requests sent to the model. */
  calls: number;
}

export interface BatchHandlers<T> {
  /** Asks the model about the batch and saves what came back; returns the items it had no usable result for. */
  readonly run: (batch: readonly T[]) => Promise<{ saved: number; unanswered: readonly T[] }>;
  /** Records failed attempts against these items. */
  readonly fail: (items: readonly T[]) => Promise<void>;
}

export async function processInBatches<T>(
  items: readonly T[],
  batchSize: number,
  handlers: BatchHandlers<T>,
  context: { readonly logger: Logger; readonly stage: string; readonly signal?: AbortSignal | undefined },
): Promise<BatchTally> {
  const tally: BatchTally = { saved: 0, failed: 0, calls: 0 };

  const attempt = async (batch: readonly T[]): Promise<void> => {
    throwIfStopped(context.signal);
    tally.calls++;
    try {
      const { saved, unanswered } = await handlers.run(batch);
      tally.saved += saved;
      if (unanswered.length > 0) {
        await handlers.fail(unanswered);
        tally.failed += unanswered.length;
      }
    } catch (error) {
      if (!(error instanceof BatchProblem)) throw error;
      if (batch.length === 1) {
        context.logger.warn({ stage: context.stage, reason: error.message }, "the model could not handle a review; it is counted as failed");
        await handlers.fail(batch);
        tally.failed += 1;
        return;
      }
      context.logger.info({ stage: context.stage, size: batch.length, reason: error.message }, "splitting a batch the model could not handle");
      const half = Math.ceil(batch.length / 2);
      await attempt(batch.slice(0, half));
      await attempt(batch.slice(half));
    }
  };

  for (let start = 0; start < items.length; start += batchSize) await attempt(items.slice(start, start + batchSize));
  return tally;
}
