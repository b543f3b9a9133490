-- CreateTable
CREATE TABLE "ProtectedAlias" (
    "alias" TEXT NOT NULL,
    "createdById" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ProtectedAlias_pkey" PRIMARY KEY ("alias")
);

-- AddForeignKey
ALTER TABLE "ProtectedAlias" ADD CONSTRAINT "ProtectedAlias_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
