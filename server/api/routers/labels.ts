import { z } from "zod";
import {
  createLabelQueueInput,
  reviewDecisionInput,
  submitAnnotationInput,
  updateLabelQueueInput,
} from "@/contracts/labels";
import { createTRPCRouter, ownedProcedure, readProcedure } from "@/server/api/trpc";
import { ownerOfModel } from "@/server/auth/ownership";
import { enqueue } from "@/server/jobs/define-job";
import { labelSamplingJob } from "@/server/jobs/label-sampling";
import { queueAgreement } from "@/server/services/labels/agreement-stats";
import { explainLabelItem } from "@/server/services/labels/explain-item";
import { nextItemsToLabel, submitAnnotation } from "@/server/services/labels/labelling";
import { ownerOfLabelItem, ownerOfLabelQueue } from "@/server/services/labels/owners";
import {
  createLabelQueue,
  deleteLabelQueue,
  getLabelQueue,
  listMyQueues,
  updateLabelQueue,
} from "@/server/services/labels/queues";
import { adjudicateItem, listItemsToReview, reviewItem } from "@/server/services/labels/review";
import {
  adjudicateInput,
  agreementOutput,
  blindItemsOutput,
  itemExplanationOutput,
  itemIdInput,
  myQueuesOutput,
  nextItemsInput,
  queueIdInput,
  queueOutput,
  reviewedOutput,
  reviewItemsOutput,
  reviewListInput,
  submittedOutput,
} from "@/server/services/labels/schemas";

/**
 * Label queues, blind labelling, review and agreement. Reading a queue's items is team-owned too (labelling and
 * reviewing are the owning team's work): the ownership tier checks the queue's model's team before every call.
 */
export const labelsRouter = createTRPCRouter({
  myQueues: readProcedure.output(myQueuesOutput).query(({ ctx }) => listMyQueues(ctx.service)),
  queue: readProcedure
    .input(queueIdInput)
    .output(queueOutput)
    .query(({ ctx, input }) => getLabelQueue(ctx.service, input.queueId)),
  createQueue: ownedProcedure("labels:manage", createLabelQueueInput, (ctx, input) =>
    ownerOfModel(ctx, input.modelName),
  )
    .output(queueOutput)
    .mutation(({ ctx, input }) => createLabelQueue(ctx.service, input)),
  updateQueue: ownedProcedure("labels:manage", updateLabelQueueInput, (ctx, input) =>
    ownerOfLabelQueue(ctx, input.queueId),
  )
    .output(queueOutput)
    .mutation(({ ctx, input }) => updateLabelQueue(ctx.service, input)),
  deleteQueue: ownedProcedure("labels:manage", queueIdInput, (ctx, input) => ownerOfLabelQueue(ctx, input.queueId))
    .output(z.object({ id: z.string() }))
    .mutation(({ ctx, input }) => deleteLabelQueue(ctx.service, input.queueId)),
  sampleNow: ownedProcedure("labels:manage", queueIdInput, (ctx, input) => ownerOfLabelQueue(ctx, input.queueId))
    .output(z.object({ jobId: z.string() }))
    .mutation(async ({ input }) => {
      const minute = Math.floor(Date.now() / 60_000);
      const job = await enqueue(
        labelSamplingJob,
        { queueId: input.queueId },
        {
          jobId: `label-sampling:${input.queueId}:${minute}`,
        },
      );
      return { jobId: job.id ?? "" };
    }),
  nextItems: ownedProcedure("labels:annotate", nextItemsInput, (ctx, input) => ownerOfLabelQueue(ctx, input.queueId))
    .output(blindItemsOutput)
    .query(({ ctx, input }) => nextItemsToLabel(ctx.service, input)),
  annotate: ownedProcedure("labels:annotate", submitAnnotationInput, (ctx, input) =>
    ownerOfLabelItem(ctx, input.itemId),
  )
    .output(submittedOutput)
    .mutation(({ ctx, input }) => submitAnnotation(ctx.service, input)),
  toReview: ownedProcedure("labels:review", reviewListInput, (ctx, input) => ownerOfLabelQueue(ctx, input.queueId))
    .output(reviewItemsOutput)
    .query(({ ctx, input }) => listItemsToReview(ctx.service, input)),
  review: ownedProcedure("labels:review", reviewDecisionInput, (ctx, input) => ownerOfLabelItem(ctx, input.itemId))
    .output(reviewedOutput)
    .mutation(({ ctx, input }) => reviewItem(ctx.service, input)),
  adjudicate: ownedProcedure("labels:review", adjudicateInput, (ctx, input) => ownerOfLabelItem(ctx, input.itemId))
    .output(reviewedOutput)
    .mutation(({ ctx, input }) => adjudicateItem(ctx.service, input)),
  /** Agreement names annotators and their α, so it is for reviewers (never a blind annotator's view). */
  agreement: ownedProcedure("labels:review", queueIdInput, (ctx, input) => ownerOfLabelQueue(ctx, input.queueId))
    .output(agreementOutput)
    .query(({ ctx, input }) => queueAgreement(ctx.service, input.queueId)),
  /** Why the model answered what it did; reviewers only, and never while the item is labelled blind. */
  explainItem: ownedProcedure("labels:review", itemIdInput, (ctx, input) => ownerOfLabelItem(ctx, input.itemId))
    .output(itemExplanationOutput)
    .query(({ ctx, input }) => explainLabelItem(ctx.service, input)),
});
