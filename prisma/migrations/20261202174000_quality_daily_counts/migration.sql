-- Daily captured-prediction counts that outlive the prediction log partitions (quality unknown-outcome share)
-- CreateTable
CREATE TABLE "CapturedDailyCount" (
    "day" DATE NOT NULL,
    "endpointId" TEXT NOT NULL,
    "variantName" TEXT NOT NULL,
    "captured" INTEGER NOT NULL,

    CONSTRAINT "CapturedDailyCount_pkey" PRIMARY KEY ("day","endpointId","variantName")
);

-- CreateTable
CREATE TABLE "CapturedDayRollup" (
    "day" DATE NOT NULL,
    "rolledUpAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CapturedDayRollup_pkey" PRIMARY KEY ("day")
);

-- CreateIndex
CREATE INDEX "CapturedDailyCount_endpointId_day_idx" ON "CapturedDailyCount"("endpointId", "day");

