-- AlterTable
ALTER TABLE "Endpoint" ADD COLUMN     "scaleToZeroIdleSeconds" INTEGER;

