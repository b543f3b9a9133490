import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { labelValueSchema } from "@/contracts/labels";
import {
  alphaPerAnnotator,
  alphaPerClass,
  kappaPerPair,
  krippendorffAlpha,
  type Unit,
} from "@/server/services/labels/agreement";
import { signInAs } from "@/playwright/support/auth";
import { createPerson, query, uniqueSuffix } from "@/playwright/support/db";
import { captureFraudPredictions, capturedRows, FRAUD_MODEL } from "@/playwright/support/labels";
import { ENDPOINT, MODEL, sendPredictions } from "@/playwright/support/traffic";

// The spec owns its data: its people, its queue (created in the browser) and the predictions it sends through the
// runtime, which the capture loader writes to CapturedPrediction and "Sample now" samples into the queue.

/** What each annotator presses for the first five items: 1 = legit, 2 = fraud (the model's classes, in order). */
const FIRST_KEYS = ["1", "1", "1", "2", "2"];
const SECOND_KEYS = ["1", "1", "1", "1", "2"];

async function personPage(browser: Browser, email: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await signInAs(page, email);
  return page;
}

/** Labels the next items with the keyboard only (digit, Enter), returning the items' ids in the order labelled. */
async function labelWithKeys(page: Page, queueId: string, keys: string[]): Promise<string[]> {
  await page.goto(`/labels/${queueId}`);
  const item = page.getByTestId("labelling-item");
  const ids: string[] = [];
  for (const key of keys) {
    await expect(item).toBeVisible();
    const id = (await item.getAttribute("data-item-id"))!;
    ids.push(id);
    await page.keyboard.press(key);
    await expect(page.getByTestId("picked-label")).toHaveText("Ready to submit");
    await page.keyboard.press("Enter");
    await expect(item).not.toHaveAttribute("data-item-id", id);
  }
  return ids;
}

const BLOCKING = new Set(["serious", "critical"]);

/** The page's serious and critical accessibility violations (as playwright/accessibility.spec.ts checks them). */
async function blockingViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((v) => v.impact && BLOCKING.has(v.impact))
    .flatMap((v) => v.nodes.map((n) => `${page.url()} — ${v.id}: ${v.help} at ${n.target.join(" ")}`));
}

const format = (value: number | null) => (value === null ? "—" : value.toFixed(3));

test("labellers label with the keyboard, a reviewer accepts, fixes, rejects and adjudicates, agreement matches the DB", async ({
  browser,
}) => {
  test.setTimeout(360_000);
  const first = await createPerson("DATA_SCIENTIST", "labeller");
  const second = await createPerson("DATA_SCIENTIST", "labeller");
  const reviewer = await createPerson("REVIEWER", "reviewer");
  await captureFraudPredictions(12);

  // A data scientist of the model's team creates the queue in the browser: overlap 2, every prediction audited.
  const manager = await personPage(browser, first.email);
  await manager.goto("/labels");
  await expect(manager.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Labels" })).toBeVisible();
  await manager.getByTestId("new-queue").click();
  const form = manager.getByTestId("queue-create-form");
  const queueName = `e2e review ${uniqueSuffix()}`;
  await form.getByLabel("Model", { exact: true }).fill(FRAUD_MODEL);
  await form.getByLabel("Queue name").fill(queueName);
  await form.getByLabel("Overlap k (people per item)").fill("2");
  await form.getByLabel("Daily budget (items per UTC day)").fill("100000");
  await form.getByLabel("AUDIT", { exact: true }).fill("1");
  for (const stratum of ["UNCERTAINTY", "DISAGREEMENT", "DRIFT"])
    await form.getByLabel(stratum, { exact: true }).fill("0");
  await form.getByLabel("Disagreement window (s)").fill("1");
  await form.getByTestId("queue-create-submit").click();
  await manager.waitForURL(/\/labels\/[^/]+\/settings$/);
  const queueId = new URL(manager.url()).pathname.split("/")[2]!;
  const [created] = await query<{ overlap: number; labelSchema: unknown }>(
    `SELECT overlap, "labelSchema" FROM "LabelQueue" WHERE id = $1`,
    [queueId],
  );
  expect(created).toEqual({
    overlap: 2,
    labelSchema: { kind: "classes", classes: ["legit", "fraud"] },
  });

  // Sampled once the captured predictions are older than the 1 s window.
  await manager.waitForTimeout(1500);
  await manager.getByTestId("sample-now").click();
  await expect(manager.getByTestId("sample-queued")).toBeVisible();
  const itemCount = async () =>
    Number((await query<{ n: string }>(`SELECT count(*) AS n FROM "LabelItem" WHERE "queueId" = $1`, [queueId]))[0]!.n);
  await expect.poll(itemCount, { timeout: 60_000, intervals: [1000] }).toBeGreaterThanOrEqual(FIRST_KEYS.length);
  // Every prediction is audited (rate 1), so each item's inclusion probability is its run's budget factor alone: 1
  // when a run's window is long enough for the daily budget, less when the suite's own traffic (tens of thousands of
  // fraud predictions, read 20,000 a run) leaves a later run a short window of the day's paced budget.
  const [{ mismatched, pi }] = (await query<{ mismatched: string; pi: number }>(
    `SELECT count(*) FILTER (WHERE abs("inclusionProbability" - "budgetFactor") > 1e-12) AS mismatched,
            min("inclusionProbability") AS pi
     FROM "LabelItem" WHERE "queueId" = $1`,
    [queueId],
  )) as [{ mismatched: string; pi: number }];
  expect(Number(mismatched)).toBe(0);
  expect(pi).toBeGreaterThan(0);

  // (a) Keyboard-only labelling: J / K move, digits pick, Enter submits; the URL names the item on screen.
  await manager.goto(`/labels/${queueId}`);
  const shown = manager.getByTestId("labelling-item");
  const start = (await shown.getAttribute("data-item-id"))!;
  await expect(manager.getByTestId("key-hints")).toContainText("J / K");
  await manager.keyboard.press("j");
  await expect(shown).not.toHaveAttribute("data-item-id", start);
  await expect(manager).toHaveURL(/\?item=/);
  await manager.keyboard.press("k");
  await expect(shown).toHaveAttribute("data-item-id", start);
  await expect(manager.getByTestId("item-features")).toBeVisible();
  await expect(manager.getByTestId("inclusion-probability")).toHaveText("1.00");
  const firstIds = await labelWithKeys(manager, queueId, FIRST_KEYS);

  // The second annotator gets the same items, blind: nothing of the first annotator's labels is on the page.
  const other = await personPage(browser, second.email);
  await other.goto(`/labels/${queueId}`);
  await expect(other.getByTestId("labelling-item")).toBeVisible();
  await expect(other.locator("body")).not.toContainText(first.name);
  const secondIds = await labelWithKeys(other, queueId, SECOND_KEYS);
  expect(secondIds).toEqual(firstIds);

  const annotations = await query<{
    itemId: string;
    annotatorId: string;
    round: number;
    value: unknown;
  }>(
    `SELECT a."itemId", a."annotatorId", a.round, a.value FROM "Annotation" a JOIN "LabelItem" i ON i.id = a."itemId"
     WHERE i."queueId" = $1`,
    [queueId],
  );
  const labelOf = (itemId: string, annotatorId: string) =>
    annotations.find((a) => a.itemId === itemId && a.annotatorId === annotatorId)?.value;
  firstIds.forEach((id, i) => {
    expect(labelOf(id, first.id)).toEqual({
      kind: "classes",
      label: FIRST_KEYS[i] === "1" ? "legit" : "fraud",
    });
    expect(labelOf(id, second.id)).toEqual({
      kind: "classes",
      label: SECOND_KEYS[i] === "1" ? "legit" : "fraud",
    });
  });

  // A reviewer labels too: the next item, which the first annotator also labels; it is theirs, so never theirs to review.
  const [ownId] = await labelWithKeys(manager, queueId, ["1"]);
  const review = await personPage(browser, reviewer.email);
  expect(await labelWithKeys(review, queueId, ["1"])).toEqual([ownId]);
  expect(await blockingViolations(review)).toEqual([]);

  // (b) The reviewer's home counts what waits on them; then they decide with the keyboard.
  await review.goto("/labels");
  const card = review.locator(`[data-testid="queue-card"][data-queue-id="${queueId}"]`);
  await expect(card.getByTestId("count-to-review")).toHaveText("4");
  await expect(card.getByTestId("count-to-adjudicate")).toHaveText("1");
  await expect(review.getByTestId("waiting-on-me")).toContainText("4 to review");

  const [acceptId, fixId, rejectId, adjudicateId] = firstIds as [string, string, string, string];
  expect(await blockingViolations(review)).toEqual([]);
  await review.goto(`/labels/${queueId}/review?item=${acceptId}`);
  await expect(review.getByTestId("own-items-hidden")).toContainText("1 item in review that you labelled is not");
  await expect(review.locator(`[data-testid="review-list-item"][data-item-id="${ownId}"]`)).toHaveCount(0);
  await expect(review.getByTestId("review-item")).toHaveAttribute("data-item-id", acceptId);
  await expect(review.getByTestId("review-annotations")).toContainText(first.name);
  // Why the model said it: the attributions of the version that predicted the item, opened on demand.
  await review.getByTestId("item-explain-toggle").click();
  await expect(review.getByTestId("item-explain-version")).toContainText(`${FRAUD_MODEL} v`);
  // The fraud model has tree and logistic-regression versions, and which one predicted the item depends on what other
  // specs promoted before; the numbers are checked against the runtime's own explanation in
  // promotion-workflow.spec.ts and tests/integration/labels/explain-item.test.ts.
  await expect(review.getByTestId("explanation").getByTestId("explanation-method")).toHaveText(
    /^(TreeSHAP \(path-dependent\)|Linear SHAP)$/,
  );
  await expect(review.getByTestId("explanation").getByTestId("attribution-value").first()).toHaveText(/\d/);
  expect(await blockingViolations(review)).toEqual([]);
  await review.keyboard.press("a");
  await expect(review.getByTestId("review-result")).toHaveText("Accepted “legit” — recorded as ground truth.");

  await review.goto(`/labels/${queueId}/review?item=${fixId}`);
  await expect(review.getByTestId("review-item")).toHaveAttribute("data-item-id", fixId);
  await review.keyboard.press("f");
  await review.getByTestId("fix-choice").selectOption("fraud");
  await review.getByTestId("fix-reason").fill("The merchant is on the known-fraud list");
  await review.getByTestId("fix-submit").click();
  await expect(review.getByTestId("review-result")).toHaveText(
    "Fixed and accepted “fraud” — recorded as ground truth.",
  );

  await review.goto(`/labels/${queueId}/review?item=${rejectId}`);
  await expect(review.getByTestId("review-item")).toHaveAttribute("data-item-id", rejectId);
  await review.keyboard.press("r");
  await review.getByTestId("reject-submit").click();
  await expect(review.getByText("Say why the labels are rejected")).toBeVisible();
  await review.getByTestId("reject-reason").fill("Both missed the chargeback in the outputs");
  await review.getByTestId("reject-reason").press("Control+Enter");
  await expect(review.getByTestId("review-result")).toHaveText("Rejected: the item is back in the queue for round 2.");

  await review.goto(`/labels/${queueId}/review?view=adjudicate&item=${adjudicateId}`);
  await expect(review.getByTestId("review-item")).toHaveAttribute("data-item-id", adjudicateId);
  await expect(review.getByTestId("review-accept")).toBeDisabled();
  await review.keyboard.press("f");
  await review.getByTestId("fix-choice").selectOption("legit");
  await review.getByTestId("fix-submit").click();
  await expect(review.getByTestId("review-result")).toHaveText(
    "Fixed and accepted “legit” — recorded as ground truth.",
  );

  // What the database says: accepted labels are ground truth, the rejected item is back for round 2, all audited.
  const items = await query<{
    id: string;
    status: string;
    round: number;
    finalValue: unknown;
    predictionId: string;
    inclusionProbability: number;
  }>(
    `SELECT id, status, round, "finalValue", "predictionId", "inclusionProbability" FROM "LabelItem" WHERE id = ANY($1)`,
    [firstIds],
  );
  const itemById = (id: string) => items.find((i) => i.id === id)!;
  expect(itemById(acceptId)).toMatchObject({
    status: "ACCEPTED",
    finalValue: { kind: "classes", label: "legit" },
  });
  expect(itemById(fixId)).toMatchObject({
    status: "ACCEPTED",
    finalValue: { kind: "classes", label: "fraud" },
  });
  expect(itemById(rejectId)).toMatchObject({
    status: "LABELLING",
    round: 2,
    finalValue: null,
  });
  expect(itemById(adjudicateId)).toMatchObject({
    status: "ACCEPTED",
    finalValue: { kind: "classes", label: "legit" },
  });
  const outcomes = await query<{
    predictionId: string;
    label: string;
    inclusionProbability: number;
    recordedById: string;
  }>(
    `SELECT "predictionId"::text, label, "inclusionProbability", "recordedById" FROM "PredictionOutcome"
     WHERE source = 'REVIEW' AND "predictionId" = ANY($1::uuid[])`,
    [items.map((i) => i.predictionId)],
  );
  const truth = (id: string) => outcomes.filter((o) => o.predictionId === itemById(id).predictionId);
  expect(truth(acceptId)).toEqual([
    {
      predictionId: itemById(acceptId).predictionId,
      label: "legit",
      // The review's outcome carries the item's inclusion probability, so quality estimates weight it by it.
      inclusionProbability: itemById(acceptId).inclusionProbability,
      recordedById: reviewer.id,
    },
  ]);
  expect(truth(fixId).map((o) => o.label)).toEqual(["fraud"]);
  expect(truth(adjudicateId).map((o) => o.label)).toEqual(["legit"]);
  expect(truth(rejectId)).toEqual([]);
  const decisions = await query<{
    itemId: string;
    decision: string;
    reason: string | null;
    reviewerId: string;
  }>(`SELECT "itemId", decision, reason, "reviewerId" FROM "LabelReview" WHERE "itemId" = ANY($1)`, [firstIds]);
  expect(decisions.find((d) => d.itemId === rejectId)).toMatchObject({
    decision: "REJECT",
    reason: "Both missed the chargeback in the outputs",
    reviewerId: reviewer.id,
  });
  expect(decisions.find((d) => d.itemId === fixId)?.decision).toBe("FIX_ACCEPT");
  const audits = await query<{ action: string; entityId: string }>(
    `SELECT action, "entityId" FROM "AuditLog" WHERE "actorId" = $1 AND action IN ('labels.review', 'labels.adjudicate')`,
    [reviewer.id],
  );
  expect(audits.map((a) => `${a.action}:${a.entityId}`).sort()).toEqual(
    [
      `labels.review:${acceptId}`,
      `labels.review:${fixId}`,
      `labels.review:${rejectId}`,
      `labels.adjudicate:${adjudicateId}`,
    ].sort(),
  );

  // The rejected item is offered to its annotators again, in round 2 (the link opens it).
  await manager.goto(`/labels/${queueId}?item=${rejectId}`);
  await expect(manager.getByTestId("labelling-item")).toHaveAttribute("data-item-id", rejectId);
  await expect(manager.getByTestId("labelling-progress")).toContainText("round 2");

  // (c) The agreement panel shows what the rows in the database give.
  const allAnnotations = await query<{ itemId: string; annotatorId: string; round: number; value: unknown }>(
    `SELECT a."itemId", a."annotatorId", a.round, a.value FROM "Annotation" a JOIN "LabelItem" i ON i.id = a."itemId"
     WHERE i."queueId" = $1`,
    [queueId],
  );
  const units = new Map<string, Unit<string>>();
  for (const a of allAnnotations) {
    const value = labelValueSchema.parse(a.value);
    if (value.kind !== "classes") throw new Error("a class label was expected");
    const key = `${a.itemId}#${a.round}`;
    const unit = units.get(key) ?? { unit: key, codings: [] };
    units.set(key, {
      unit: key,
      codings: [...unit.codings, { coder: a.annotatorId, value: value.label }],
    });
  }
  const data = [...units.values()];
  const overall = krippendorffAlpha(data, "nominal");
  expect(overall.items).toBe(FIRST_KEYS.length + 1);
  await review.goto(`/labels/${queueId}/agreement`);
  await expect(review.getByTestId("alpha-overall")).toHaveText(format(overall.alpha));
  await expect(review.getByTestId("alpha-overall-items")).toHaveText(String(overall.items));
  for (const row of alphaPerClass(data)) {
    const shownRow = review.locator(`[data-testid="alpha-per-class"] tr[data-row="${row.label}"]`);
    await expect(shownRow.getByTestId("alpha")).toHaveText(format(row.alpha));
    await expect(shownRow.getByTestId("items")).toHaveText(String(row.items));
  }
  const perAnnotator = alphaPerAnnotator(data, "nominal");
  expect(perAnnotator.map((a) => a.annotator).sort()).toEqual([first.id, second.id, reviewer.id].sort());
  for (const row of perAnnotator) {
    const shownRow = review.locator(`[data-testid="alpha-per-annotator"] tr[data-row="${row.annotator}"]`);
    await expect(shownRow.getByTestId("alpha")).toHaveText(format(row.alpha));
    await expect(shownRow.getByTestId("items")).toHaveText(String(row.items));
    await expect(shownRow).toHaveAttribute("data-low", row.low ? "true" : "false");
  }
  const pairs = kappaPerPair(data);
  expect(pairs).toHaveLength(2);
  for (const pair of pairs) {
    const pairRow = review.locator(`[data-testid="kappa-pairs"] tr[data-row="${pair.annotators.join("|")}"]`);
    await expect(pairRow.getByTestId("kappa")).toHaveText(format(pair.kappa));
    await expect(pairRow.getByTestId("items")).toHaveText(String(pair.items));
  }
  expect(await blockingViolations(review)).toEqual([]);
});

test("a data scientist labels a regressor's predictions with typed numbers and the keyboard", async ({ browser }) => {
  test.setTimeout(240_000);
  const scientist = await createPerson("DATA_SCIENTIST", "numbers", "Logistics");
  const before = await capturedRows(ENDPOINT);
  const answered = await sendPredictions(4);
  await expect
    .poll(() => capturedRows(ENDPOINT), { timeout: 60_000, intervals: [1000] })
    .toBeGreaterThanOrEqual(before + answered);

  const page = await personPage(browser, scientist.email);
  await page.goto(`/labels?model=${encodeURIComponent(MODEL)}`);
  const form = page.getByTestId("queue-create-form");
  await expect(form.getByLabel("Model", { exact: true })).toHaveValue(MODEL);
  await form.getByLabel("Queue name").fill(`e2e numbers ${uniqueSuffix()}`);
  await form.getByLabel("AUDIT", { exact: true }).fill("1");
  await form.getByLabel("Disagreement window (s)").fill("1");
  await form.getByTestId("queue-create-submit").click();
  await page.waitForURL(/\/labels\/[^/]+\/settings$/);
  const queueId = new URL(page.url()).pathname.split("/")[2]!;
  await page.waitForTimeout(1500);
  await page.getByTestId("sample-now").click();
  await expect
    .poll(
      async () =>
        Number(
          (await query<{ n: string }>(`SELECT count(*) AS n FROM "LabelItem" WHERE "queueId" = $1`, [queueId]))[0]!.n,
        ),
      { timeout: 60_000, intervals: [1000] },
    )
    .toBeGreaterThanOrEqual(2);

  await page.goto(`/labels/${queueId}`);
  const item = page.getByTestId("labelling-item");
  // Esc leaves the focused input, so J / K move; the next item focuses its input again.
  const opened = (await item.getAttribute("data-item-id"))!;
  await expect(page.getByTestId("label-number")).toBeFocused();
  await page.keyboard.press("j");
  await expect(item).toHaveAttribute("data-item-id", opened);
  await page.keyboard.press("Escape");
  await page.keyboard.press("j");
  await expect(item).not.toHaveAttribute("data-item-id", opened);
  await expect(page.getByTestId("label-number")).toBeFocused();
  await page.keyboard.press("Escape");
  await page.keyboard.press("k");
  await expect(item).toHaveAttribute("data-item-id", opened);
  const labelled: string[] = [];
  for (const typed of ["31.5", "18"]) {
    const id = (await item.getAttribute("data-item-id"))!;
    labelled.push(id);
    await expect(page.getByTestId("label-number")).toBeFocused();
    await page.keyboard.press("Enter");
    await expect(page.getByTestId("label-error")).toHaveText("Type the value first");
    await page.keyboard.type(typed);
    await page.keyboard.press("Enter");
    await expect(item).not.toHaveAttribute("data-item-id", id);
  }
  const rows = await query<{
    itemId: string;
    value: unknown;
    annotatorId: string;
  }>(`SELECT "itemId", value, "annotatorId" FROM "Annotation" WHERE "itemId" = ANY($1)`, [labelled]);
  expect(rows.map((r) => [r.itemId, r.value, r.annotatorId]).sort()).toEqual(
    [
      [labelled[0], { kind: "number", value: 31.5 }, scientist.id],
      [labelled[1], { kind: "number", value: 18 }, scientist.id],
    ].sort(),
  );
});
