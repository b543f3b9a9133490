-- AlterEnum
ALTER TYPE "StepOutcome" ADD VALUE 'ABANDONED';
