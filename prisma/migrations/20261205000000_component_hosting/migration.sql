-- SageMaker endpoints hosting their versions as inference components (issue 14 part 5).
ALTER TABLE "Endpoint" ADD COLUMN "componentHosting" JSONB;
