-- CreateTable
CREATE TABLE "RunSelection" (
    "id" TEXT NOT NULL,
    "runIds" TEXT[],
    "createdById" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RunSelection_pkey" PRIMARY KEY ("id")
);

-- AddForeignKey
ALTER TABLE "RunSelection" ADD CONSTRAINT "RunSelection_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

