-- AlterTable
ALTER TABLE "MetricSeries" ADD COLUMN     "preview" BYTEA;
