-- AlterTable
ALTER TABLE "Endpoint" ADD COLUMN     "onlineFeatures" JSONB;

-- CreateTable
CREATE TABLE "FeatureGroup" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "entityKey" TEXT NOT NULL,
    "features" TEXT[],
    "createdById" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "FeatureGroup_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "feature_values" (
    "feature_group" TEXT NOT NULL,
    "entity_id" TEXT NOT NULL,
    "values" JSONB NOT NULL,
    "updated_at" TIMESTAMP(3) NOT NULL,
    "version" BIGSERIAL NOT NULL,
    "hot_synced" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "feature_values_pkey" PRIMARY KEY ("feature_group","entity_id")
);

-- CreateTable
CREATE TABLE "feature_store_identity" (
    "id" TEXT NOT NULL,
    "epoch" BIGINT NOT NULL DEFAULT 0,
    "mirrored_through" BIGINT NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "feature_store_identity_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "FeatureGroup_name_key" ON "FeatureGroup"("name");

-- CreateIndex
CREATE INDEX "feature_values_hot_synced_feature_group_idx" ON "feature_values"("hot_synced", "feature_group");

-- CreateIndex
CREATE INDEX "feature_values_version_idx" ON "feature_values"("version");

-- AddForeignKey
ALTER TABLE "FeatureGroup" ADD CONSTRAINT "FeatureGroup_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "feature_values" ADD CONSTRAINT "feature_values_feature_group_fkey" FOREIGN KEY ("feature_group") REFERENCES "FeatureGroup"("name") ON DELETE CASCADE ON UPDATE CASCADE;


-- This database's identity for the Redis feature mirror: a new database (or one dropped and created again) gets a new one.
INSERT INTO "feature_store_identity" ("id") VALUES (gen_random_uuid()::text);
