-- The SageMaker capture import's progress per endpoint variant (the last S3 object handed to the capture stream).
-- CreateTable
CREATE TABLE "SageMakerCaptureCursor" (
    "endpointName" TEXT NOT NULL,
    "variantName" TEXT NOT NULL,
    "lastKey" TEXT NOT NULL,
    "objects" INTEGER NOT NULL DEFAULT 0,
    "records" INTEGER NOT NULL DEFAULT 0,
    "malformed" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SageMakerCaptureCursor_pkey" PRIMARY KEY ("endpointName","variantName")
);

