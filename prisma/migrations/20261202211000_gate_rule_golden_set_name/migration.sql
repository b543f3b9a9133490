-- AlterTable
ALTER TABLE "GateRule" ADD COLUMN     "goldenSetName" TEXT;
